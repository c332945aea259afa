/**
 * `node --import autometrics-register app.mjs` (or `--require`, or
 * through NODE_OPTIONS): instruments the files the plugin options select as
 * Node loads them, CommonJS and ECMAScript modules alike, with no build step.
 * Under Bun (bunfig.toml's `preload`), the same through a Bun plugin.
 */
import Module from "node:module";
import { pathToFileURL } from "node:url";
import { type BunPlugin, bunPlugin } from "./bun-plugin";
import { problemOf } from "./compilers";
import { Instrumenter, type Setup } from "./instrument";
import { type LoadResult, instrumentLoaded } from "./load";
import { projectSetup } from "./settings";
import { inModuleHooksThread } from "autometrics-runtime/internal";

const REGISTERED = Symbol.for("autometrics-register");

type NextLoad = (url: string, context?: object) => LoadResult;
interface SyncHooks {
  registerHooks?(hooks: { load(url: string, context: object, nextLoad: NextLoad): LoadResult }): unknown;
}

function install(setup: Setup): void {
  const instrumenter = new Instrumenter(setup);
  instrumenter.check();
  // SWC prints files anew; Babel keeps each line where it was, so stack traces
  // need no source maps (and Node's way of printing them stays as it was).
  if (instrumenter.compiler.name === "swc") process.setSourceMapsEnabled(true);
  const bun = (globalThis as { Bun?: { plugin(plugin: BunPlugin): unknown } }).Bun;
  if (bun !== undefined) {
    // Bun (from bunfig.toml's `preload`): a Bun plugin, as `autometrics-register/bun` gives Bun.build.
    bun.plugin(bunPlugin(instrumenter, setup.root));
    return;
  }
  const sync = Module as unknown as SyncHooks;
  if (typeof sync.registerHooks === "function") {
    // Node 22.15 and later: one hook, in this thread, for `require` and `import`.
    sync.registerHooks({ load: (url, context, nextLoad) => instrumentLoaded(instrumenter, url, nextLoad(url, context)) });
    return;
  }
  // Earlier Node: `import`s through hooks in their own thread, `require`s here.
  const compile = Module.prototype as unknown as { _compile(content: string, filename: string, ...rest: unknown[]): unknown };
  const original = compile._compile;
  compile._compile = function (this: unknown, content: string, filename: string, ...rest: unknown[]) {
    const output = instrumenter.wants(filename) ? instrumenter.instrument(content, filename, { esm: false, typescript: false }) : undefined;
    return original.call(this, output ?? content, filename, ...rest);
  };
  Module.register(pathToFileURL(`${__dirname}/hooks.js`), { data: setup });
}

function main(): void {
  const state = globalThis as { [REGISTERED]?: true };
  // The hooks thread gets its setup from this thread's `module.register` call.
  if (state[REGISTERED] || inModuleHooksThread()) return;
  state[REGISTERED] = true;
  try {
    install(projectSetup(process.cwd(), {}, process.versions.bun !== undefined));
  } catch (error) {
    // Before the app runs: say what is wrong and stop, as a build would.
    console.error(`autometrics-register: ${problemOf(error)}`);
    process.exit(1);
  }
}

main();
