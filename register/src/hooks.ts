/**
 * The module hooks of `autometrics-register` on Node before 22.15,
 * where `import`s are loaded through hooks in a thread of their own
 * (`module.register`); the same work as `registerHooks` does in one thread.
 */
import { Instrumenter, type Setup } from "./instrument";
import { type LoadResult, instrumentLoaded } from "./load";

let instrumenter: Instrumenter | undefined;

export function initialize(setup: Setup): void {
  instrumenter = new Instrumenter(setup);
}

export async function load(
  url: string,
  context: object,
  nextLoad: (url: string, context: object) => Promise<LoadResult>,
): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  // CommonJS goes through the loader's compile in the main thread, instrumented there.
  if (instrumenter === undefined || result.format !== "module") return result;
  return instrumentLoaded(instrumenter, url, result);
}
