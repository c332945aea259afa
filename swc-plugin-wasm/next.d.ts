import type { NextConfig } from "next";

/** An objective and what it applies to (docs/transform.md, Options). */
export interface ObjectiveOption {
  name: string;
  /** A percentage such as "99.9". */
  successRate?: string;
  /** [threshold in seconds, one of `buckets`; percentile such as "99"]. */
  latency?: [number | string, string];
  /** Globs of files it applies to (all when absent). */
  files?: string | string[];
  /** Function-name patterns it applies to (all when absent). */
  functions?: string | string[];
}

/** The plugin's options: the same in the Babel and the SWC plugin. */
export interface PluginOptions {
  include?: string | string[];
  exclude?: string | string[];
  functions?: string | string[];
  root?: string;
  runtime?: string;
  objectives?: ObjectiveOption[];
  trackConcurrency?: boolean;
  buckets?: number[];
  moduleSystem?: "auto" | "esm" | "commonjs";
}

type ConfigFunction = (phase: string, context: { defaultConfig: NextConfig }) => NextConfig | Promise<NextConfig>;

/**
 * `nextConfig` with the plugin added to `experimental.swcPlugins` and the runtime
 * and prom-client added to `serverExternalPackages`.
 */
export function withAutometrics(nextConfig: NextConfig, options?: PluginOptions): NextConfig;
export function withAutometrics(nextConfig: ConfigFunction, options?: PluginOptions): ConfigFunction;
