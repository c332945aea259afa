import type { ResolvedBuildInfo } from "../build-info";
import type { CallerSeries, FunctionHandle } from "../function-handle";
import { AUTOMETRICS_SPEC_VERSION } from "../spec";

export type Attributes = Record<string, string>;

/**
 * The attributes of a function's points, and of each caller's, built once
 * while the service name and the objective stay the same: the SDK too hands
 * exporters the same attribute objects at every collection.
 */
export interface FunctionAttributes {
  service: string;
  objective: FunctionHandle["objective"];
  duration: Attributes;
  concurrent: Attributes;
}

/** @internal */
export function functionAttributes(fn: FunctionHandle, service: string): FunctionAttributes {
  const known = fn.attributes as FunctionAttributes | undefined; // only this function writes it
  if (known !== undefined && known.service === service && known.objective === fn.objective) return known;
  const latency = fn.objective?.latencyThreshold ? fn.objective : undefined;
  const attributes: FunctionAttributes = {
    service,
    objective: fn.objective,
    duration: {
      function: fn.function,
      module: fn.module,
      "service.name": service,
      "objective.name": latency?.name ?? "",
      "objective.percentile": latency?.latencyPercentile ?? "",
      "objective.latency_threshold": latency?.latencyThreshold ?? "",
    },
    concurrent: { function: fn.function, module: fn.module, "service.name": service },
  };
  fn.attributes = attributes;
  return attributes;
}

/** A caller series' `ok` and `error` attributes, kept on it while its function's stay the same. */
/** @internal */
export function callAttributes(fn: FunctionHandle, of: FunctionAttributes, s: CallerSeries): [Attributes, Attributes] {
  let pair = s.attributesOf === of ? (s.attributes as [Attributes, Attributes]) : undefined; // only this function writes them
  if (pair === undefined) {
    const success = fn.objective?.successPercentile ? fn.objective : undefined;
    const attributes = {
      function: fn.function,
      module: fn.module,
      "service.name": of.service,
      "caller.function": s.caller?.function ?? "",
      "caller.module": s.caller?.module ?? "",
      "objective.name": success?.name ?? "",
      "objective.percentile": success?.successPercentile ?? "",
    };
    pair = [
      { ...attributes, result: "ok" },
      { ...attributes, result: "error" },
    ];
    s.attributes = pair;
    s.attributesOf = of;
  }
  return pair;
}

/** @internal The attributes of `build_info`, as every OpenTelemetry path (the producer, the push) writes them. */
export function buildInfoAttributes(info: ResolvedBuildInfo): Attributes {
  const attributes: Attributes = {
    version: info.version,
    commit: info.commit,
    branch: info.branch,
    "service.name": info.serviceName,
    "repository.url": info.repositoryUrl,
    "repository.provider": info.repositoryProvider,
    "autometrics.version": AUTOMETRICS_SPEC_VERSION,
  };
  if (info.clearmode) attributes.clearmode = info.clearmode;
  return attributes;
}
