// A root config with several projects, each with its own config, as in a monorepo: the
// projects' configs name the plugin (a project with a config of its own does not get this
// file's `plugins`), with `root` so that their labels stay relative to each project.
// e2e/test/test-runners.test.ts runs `vitest run` here.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { projects: ["vitest-babel", "vitest-react-swc", "vitest-swc-options"] } });
