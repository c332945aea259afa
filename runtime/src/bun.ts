/**
 * `autometrics-runtime/bun`: the load hook as a Bun plugin, for
 * `Bun.build({ plugins: [autometrics()] })` (and `Bun.plugin()` by hand; a
 * preload of `autometrics-runtime/register` does that for you). It
 * instruments what the plugin options select, with the Babel plugin or the
 * SWC one as `autometrics-runtime/register` does, from the same configuration
 * and cache.
 */
import { type BunPlugin, bunPlugin } from "./register/bun";
import { problemOf } from "./register/compilers";
import { Instrumenter } from "./register/instrument";
import { projectSetup } from "./register/settings";

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
    throw new Error(`autometrics-runtime/bun: ${problemOf(error)}`);
  }
  return bunPlugin(instrumenter, root);
}

export default autometrics;
