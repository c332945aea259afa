import { resetRuntime } from "../../src/reset";

/** Mocha root hooks: every test starts from a fresh process's runtime. */
export const mochaHooks = {
  beforeEach: resetRuntime,
};
