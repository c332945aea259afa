import * as babel from "@babel/core";
import { join } from "node:path";
import type { Compile } from "../../fixtures/harness/corpus";
import plugin from "../src";

const presetTypescript = require.resolve("@babel/preset-typescript");
const presetReact = require.resolve("@babel/preset-react");

/** Babel 7 with the presets a fixture's file type needs, and the plugin when asked. */
export const compileWithBabel: Compile = async (code, file, caseDir, withPlugin, options) => {
  const presets: babel.PluginItem[] = [];
  if (/\.(ts|tsx|mts|cts)$/.test(file)) presets.push([presetTypescript, { allowDeclareFields: true }]);
  if (/\.(jsx|tsx)$/.test(file)) presets.push([presetReact, { runtime: "classic", pragma: "h", pragmaFrag: "Fragment" }]);
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
