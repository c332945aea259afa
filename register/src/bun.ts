/**
 * `autometrics-register/bun`: the load hook as a Bun plugin, for
 * `Bun.build({ plugins: [autometrics()] })` (and `Bun.plugin()` by hand; a
 * preload of `autometrics-register` does that for you). It
 * instruments what the plugin options select, with the Babel plugin or the
 * SWC one as `autometrics-register` does, from the same configuration
 * and cache.
 */
import { type BunPlugin, bunPlugin } from "./bun-plugin";
import { problemOf } from "./compilers";
import { Instrumenter } from "./instrument";
import { projectSetup } from "./settings";

export type { BunPlugin };

/**
 * The plugin. `options` are the plugins' options (`include`, `exclude`,
 * `objectives`, …), over those of the project's `babel.config.*`, `.babelrc*`
 * or `.swcrc`, with `AUTOMETRICS_OPTIONS` and `AUTOMETRICS_INCLUDE` over
 * both; `root` (default: the working directory) is the folder `module` labels
 * are relative to. Bad options throw at once, in the plugin's words.
 */
export function autometrics(options: Record<string, unknown> & { root?: string } = {}): BunPlugin {
  const root = options.root ?? process.cwd();
  let instrumenter: Instrumenter;
  try {
    instrumenter = new Instrumenter(projectSetup(root, options, true));
    instrumenter.check();
  } catch (error) {
    throw new Error(`autometrics-register/bun: ${problemOf(error)}`);
  }
  return bunPlugin(instrumenter, root);
}

export default autometrics;
