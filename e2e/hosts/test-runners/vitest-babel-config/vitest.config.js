import babel from "vite-plugin-babel";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Babel reads babel.config.json. Without excluding node_modules, vite-plugin-babel also
  // compiles files there, Vitest then loads autometrics-runtime through Vite instead of Node,
  // and it fails: "instrument is not a function". The tests are kept out of Babel, which reprints
  // what it compiles.
  plugins: [babel({ exclude: [/[\\/]node_modules[\\/]/, /\.(test|spec)\./, /[\\/]__tests__[\\/]/] })],
});
