/** `node:fs` and `node:path` in the edge and browser bundles: build_info is never read from files there. */
const none = () => {
  throw new Error("autometrics: no file system here");
};
export const readFileSync = none;
export const statSync = none;
export const dirname = none;
export const join = none;
export const resolve = none;
