import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs `code` in a fresh Node process with `am` bound to the built runtime, for
 * behaviour that depends on the process's first steps (init before any call,
 * environment variables). Resolves to what the script wrote to stdout.
 */
export async function isolated(code: string, env: Record<string, string> = {}, cwd?: string): Promise<string> {
  const script = `const am = require(${JSON.stringify(require.resolve("../../dist"))});\n(async () => {\n${code}\n})().catch((e) => { console.error(e); process.exit(1); });`;
  const { stdout } = await run(process.execPath, ["-e", script], { env: { PATH: process.env.PATH, ...env }, cwd, encoding: "utf8" });
  return stdout;
}
