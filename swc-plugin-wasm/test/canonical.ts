/**
 * One printer for both plugins' outputs (docs/transform.md: "Comparisons of
 * the two outputs rename generated identifiers to canonical names first"):
 * parsed and printed again by Babel, with `_instrument`, `_am…`, `_c…`, `_r…`
 * and `_e…` renamed by order of first appearance (`_am$1`, `_am$2`, …), and
 * without what only says how each printer laid the code out: comments,
 * positions (Babel's printer keeps blank lines from them), raw spellings of
 * literals, recorded parentheses.
 */
import { type PluginObj, transformSync } from "@babel/core";

const GENERATED = /^_(instrument|am|c|r|e)\d*$/;
const LAYOUT = ["extra", "loc", "start", "end", "leadingComments", "trailingComments", "innerComments"];

/** Renames generated identifiers, fresh for every file (Babel caches plugin instances). */
function renamer(): (name: string) => string {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  return (name) => {
    const match = GENERATED.exec(name);
    if (match === null) return name;
    let canonicalName = renamed.get(name);
    if (canonicalName === undefined) {
      const base = match[1]!;
      const n = (counts.get(base) ?? 0) + 1;
      counts.set(base, n);
      canonicalName = `_${base}$${n}`;
      renamed.set(name, canonicalName);
    }
    return canonicalName;
  };
}

function strip(node: object): void {
  const n = node as Record<string, unknown>;
  for (const key of LAYOUT) delete n[key];
}

const canonicalNames: PluginObj = {
  name: "canonical-names",
  visitor: {
    Program(program) {
      const rename = renamer();
      strip(program.node);
      for (const directive of program.node.directives) {
        strip(directive);
        strip(directive.value);
      }
      program.traverse({
        enter(path) {
          strip(path.node);
          if (path.node.type === "Identifier") path.node.name = rename(path.node.name);
        },
        BlockStatement(path) {
          for (const directive of path.node.directives) {
            strip(directive);
            strip(directive.value);
          }
        },
      });
    },
  },
};

export function canonical(code: string): string {
  const result = transformSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: "unambiguous",
    parserOpts: { allowReturnOutsideFunction: true },
    plugins: [() => canonicalNames],
    generatorOpts: { comments: false, jsescOption: { quotes: "double", minimal: true } },
  });
  if (result?.code == null) throw new Error("could not print the code again");
  return result.code;
}
