import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// unplugin-swc compiles with @swc/core, which reads .swcrc (the plugin is there).
export default defineConfig({
  plugins: [swc.vite()],
});
