import { join } from "node:path";
import { esbuildPluginSuite } from "../../fixtures/harness/esbuild-plugin";
import { autometrics } from "../esbuild";
import { RUN_DIR } from "./swc";

describe("swc-plugin-autometrics/esbuild", () => {
  esbuildPluginSuite(autometrics, join(RUN_DIR, "esbuild"), /^Expression expected$/);
});
