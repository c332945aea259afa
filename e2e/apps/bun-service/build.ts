// `bun build.ts [outdir]`: the app bundled by Bun.build into dist/server.js,
// with the plugin instrumenting what babel.config.json selects.
import { autometrics } from "autometrics-register/bun";

const outdir = Bun.argv[2] ?? "dist";
const result = await Bun.build({ entrypoints: ["src/server.ts"], outdir, target: "bun", plugins: [autometrics()] });
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
