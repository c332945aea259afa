import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { type Compiler, type Listed, chooseCompiler, problemOf } from "autometrics-register/tooling";

/** What the CLI and the editor need a compiler for, in the error when there is none. */
const READING = "reading the code";

const SOURCE = /\.(js|jsx|ts|tsx|mjs|cjs|mts|cts)$/;

/**
 * The source files under `root`. A link is followed only to a file or folder
 * inside the project, each folder once (no loop, and no link to / walks the
 * disk); a link that cannot be followed is said and left out.
 */
function sourceFiles(root: string): string[] {
  const top = realpathSync(root);
  const seen = new Set<string>();
  const out: string[] = [];
  const inside = (real: string) => real === top || real.startsWith(top + sep);
  const walk = (dir: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      let directory = entry.isDirectory();
      let file = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = realpathSync(full);
          if (!inside(target)) {
            console.error(`autometrics: ${relative(root, full)} is left out: a link out of the project`);
            continue;
          }
          const stat = statSync(target);
          directory = stat.isDirectory();
          file = stat.isFile();
        } catch (error) {
          console.error(
            `autometrics: ${relative(root, full)} is left out: a link that cannot be followed (${(error as NodeJS.ErrnoException).code})`,
          );
          continue;
        }
      }
      if (directory) walk(full);
      else if (file && SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Every function the plugins would instrument under `root`, by the same rules
 * and options (docs/transform.md): a plugin runs over each file and says what
 * it selected, without writing anything. The plugin is the one the load hook
 * would use: `AUTOMETRICS_COMPILER`, else Babel when the project has it, else SWC.
 */
export function listFunctions(root: string, options: Record<string, unknown>): Listed[] {
  let compiler: Compiler | undefined;
  return sourceFiles(root).flatMap((file) => {
    // Chosen once, at the first file: not having one is the command's error, not each file's.
    compiler ??= chooseCompiler(root, options, process.env.AUTOMETRICS_COMPILER, READING);
    try {
      return listSource(root, file, readFileSync(file, "utf8"), options, compiler);
    } catch (error) {
      // Bad options fail every file alike: that is the command's error. A file's own problem is that file's.
      if (/autometrics: invalid option/.test(String(error))) throw error;
      console.error(`autometrics: ${relative(root, file)} is left out: ${problemOf(error)}`);
      return [];
    }
  });
}

/** What the plugins would instrument in one file whose text is `text` (an editor's, maybe unsaved). */
export function listSource(
  root: string,
  file: string,
  text: string,
  options: Record<string, unknown>,
  compiler = chooseCompiler(root, options, process.env.AUTOMETRICS_COMPILER, READING),
): Listed[] {
  const typescript = /\.(ts|tsx|mts|cts)$/.test(file);
  const esm = /\.m[jt]s$/.test(file) ? true : /\.c[jt]s$/.test(file) ? false : undefined;
  const listed = compiler.list(text, file, { esm, typescript, jsx: /x$/.test(file) || !typescript });
  // In source order: the SWC plugin's output puts a body's function declarations first.
  return listed.sort((a, b) => a.line - b.line);
}

/** The directive form of an objective's fields, as users write it. */
function fieldsOf(objective: NonNullable<Listed["objective"]>): string {
  const parts: string[] = [];
  if (objective.successRate !== undefined) parts.push(`successRate=${objective.successRate}`);
  if (objective.latency !== undefined) parts.push(`latency=${objective.latency[0]}@${objective.latency[1]}`);
  return parts.join(" ");
}

/**
 * One objective name defined differently in different files: the plugins see
 * one file at a time and cannot tell (docs/transform.md, "Objectives in the
 * source"), so the tools that see the whole project say it.
 */
export function objectiveConflicts(functions: readonly Listed[]): string[] {
  const seen = new Map<string, Map<string, string>>();
  for (const f of functions) {
    if (f.objective === undefined) continue;
    const definitions = seen.get(f.objective.name) ?? new Map<string, string>();
    seen.set(f.objective.name, definitions);
    const fields = fieldsOf(f.objective);
    if (!definitions.has(fields)) definitions.set(fields, `${f.module}:${f.line}`);
  }
  return [...seen]
    .filter(([, definitions]) => definitions.size > 1)
    .map(
      ([name, definitions]) =>
        `autometrics: objective \`${name}\` is defined differently: ${[...definitions].map(([fields, at]) => `${fields} (${at})`).join(", ")}`,
    );
}
