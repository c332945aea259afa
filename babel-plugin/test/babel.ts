import type * as Babel from "@babel/core";
import { join } from "node:path";
import type { Compile } from "../../fixtures/harness/corpus";
import plugin from "../src";

/** 7 by default; 8 when AUTOMETRICS_BABEL=8 (run by babel8/run.mjs under Node 24, which Babel 8 needs). */
export const BABEL_MAJOR = process.env.AUTOMETRICS_BABEL === "8" ? 8 : 7;
const from = BABEL_MAJOR === 8 ? [join(__dirname, "babel8")] : [__dirname];
const babel: typeof Babel = require(require.resolve("@babel/core", { paths: from }));
const presetTypescript = require.resolve("@babel/preset-typescript", { paths: from });
const presetReact = require.resolve("@babel/preset-react", { paths: from });

/**
 * With AUTOMETRICS_PRESET_ENV=1, every file is also compiled down by
 * @babel/preset-env (Node 6: async functions, classes with private methods and
 * fields, and more, rewritten by other plugins after ours).
 */
const presetEnv = process.env.AUTOMETRICS_PRESET_ENV === "1" ? require.resolve("@babel/preset-env", { paths: from }) : undefined;

/** Babel with the presets a fixture's file type needs, and the plugin when asked. */
export const compileWithBabel: Compile = async (code, file, caseDir, withPlugin, options) => {
  const presets: Babel.PluginItem[] = [];
  if (/\.(ts|tsx|mts|cts)$/.test(file)) presets.push(presetTypescript);
  if (/\.(jsx|tsx)$/.test(file)) presets.push([presetReact, { runtime: "classic", pragma: "h", pragmaFrag: "Fragment" }]);
  if (presetEnv !== undefined) presets.push([presetEnv, { targets: { node: "6" }, modules: false }]);
  const result = await babel.transformAsync(code, {
    filename: join(caseDir, file),
    cwd: caseDir,
    babelrc: false,
    configFile: false,
    sourceType: "unambiguous",
    plugins: withPlugin ? [[plugin, options]] : [],
    presets,
  });
  return `${result!.code!}\n`;
};
