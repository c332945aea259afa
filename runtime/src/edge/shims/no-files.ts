/** `node:fs` and `node:path` in the edge and browser bundles: build_info is never read from files there. */
const none = () => {
  throw new Error("autometrics: no file system here");
};
export const closeSync = none;
export const fstatSync = none;
export const lstatSync = none;
export const openSync = none;
export const readSync = none;
export const constants = { O_RDONLY: 0, O_NONBLOCK: 0 };
export const dirname = none;
export const join = none;
export const resolve = none;
