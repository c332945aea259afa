// The page's Babel configuration, as a bundler's Babel loader reads it; `npx
// autometrics list` reads the same. Modules opt in with "use autometrics".
module.exports = {
  plugins: ["autometrics"],
};
