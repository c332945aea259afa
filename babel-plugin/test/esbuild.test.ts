import { join } from "node:path";
import { esbuildPluginSuite } from "../../fixtures/harness/esbuild-plugin";
import { autometrics } from "../src/esbuild";

describe("babel-plugin-autometrics/esbuild", () => {
  esbuildPluginSuite(autometrics, join(__dirname, ".run", "esbuild"), /^Unexpected token \(2:12\)$/);
});
