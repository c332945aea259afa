import type { NextConfig } from "next";
import { withAutometrics } from "swc-plugin-autometrics/next";

const nextConfig: NextConfig = {};

// Every function under app/ and lib/, and in the middleware, is instrumented at build time.
// In the Node.js runtime they record into the runtime that instrumentation.ts starts;
// in edge code (the middleware, app/api/edge) into the runtime's edge entry, set up by init() there.
export default withAutometrics(nextConfig, { root: __dirname, include: ["app/**", "lib/**", "middleware.ts"] });
