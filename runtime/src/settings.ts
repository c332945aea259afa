import { type ResolvedBuildInfo, resolveBuildInfo } from "./build-info";
import { DEFAULT_BUCKETS } from "./objectives";

/** @internal Run-time settings that the hot path reads; changed only by `init()`. */
export const settings = {
  buckets: DEFAULT_BUCKETS as readonly number[],
  /** Track `function_calls_concurrent` for every function, not only those that ask. */
  trackConcurrency: false,
  /** Returns exemplar labels for the active trace, or undefined; null when exemplars are off. */
  exemplar: null as null | (() => Record<string, string> | undefined),
};

let buildInfo: ResolvedBuildInfo | undefined;

/** @internal build_info, detected on first use unless `init()` set it. */
export function getBuildInfo(): ResolvedBuildInfo {
  return (buildInfo ??= resolveBuildInfo());
}

/** @internal */
export function setBuildInfo(info: ResolvedBuildInfo | undefined): void {
  buildInfo = info;
}
