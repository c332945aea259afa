// Writes src/spec-data.ts from spec.json, the one home of the specification's
// facts that the SWC plugin reads too (it embeds spec.json when built). The
// runtime takes them from TypeScript, not from the JSON at run time, so that
// bundling it needs no JSON loader. `node runtime/spec-data.mjs` after editing
// spec.json; test/spec-data.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const SPEC_DATA = join(here, "src", "spec-data.ts");

/** What src/spec-data.ts must hold for the spec.json on disk. */
export function specData() {
  const spec = JSON.parse(readFileSync(join(here, "spec.json"), "utf8"));
  return (
    "// Written by spec-data.mjs from spec.json: edit spec.json, then run `node runtime/spec-data.mjs`.\n\n" +
    `export const SPEC_DATA = { ${Object.entries(spec)
      .map(([key, value]) => `${key}: ${JSON.stringify(value).replaceAll(",", ", ")}`)
      .join(", ")} } as const;\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(SPEC_DATA, specData());
