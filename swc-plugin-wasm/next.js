"use strict";
// withAutometrics(nextConfig, options): a Next.js config with this plugin in
// `experimental.swcPlugins` and the runtime loaded by Node rather than bundled.

const { nextPluginRequest } = require("./compat/host.js");

function withAutometrics(nextConfig = {}, options = {}) {
  if (typeof nextConfig === "function") {
    return async (...args) => withAutometrics(await nextConfig(...args), options);
  }
  // By name (Turbopack resolves plugins as module requests from the project): the build
  // the project's Next runs; a Next too old for every build fails here in words.
  const plugin = nextPluginRequest();
  // One runtime instance for every route: server layers load it with Node; client and
  // edge bundles still bundle it and get its inert entry through export conditions.
  const external = nextConfig.serverExternalPackages ?? [];
  const runtime = options.runtime ?? "autometrics-runtime";
  const added = [runtime, "prom-client"].filter((name) => !external.includes(name));
  const experimental = nextConfig.experimental ?? {};
  return {
    ...nextConfig,
    serverExternalPackages: [...external, ...added],
    experimental: { ...experimental, swcPlugins: [...(experimental.swcPlugins ?? []), [plugin, options]] },
  };
}

module.exports = { withAutometrics };
