import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Registry } from "prom-client";
import { createMetrics } from "../prometheus/metrics";
import { writeThrough } from "../prometheus/registry";
import { reportThrottled } from "../report";

export interface PushGatewayOptions {
  type: "push-gateway";
  /** The gateway's base URL, e.g. http://pushgateway:9091 */
  url: string;
  /** The `job` grouping label; default: the service name. */
  jobName?: string;
  /** More grouping labels, e.g. `{ instance: hostname }`. */
  groupings?: Record<string, string>;
  /** How often to push; default 10000. A last push happens when the process is about to exit. */
  intervalMs?: number;
  /** Per push; default 5000. */
  timeoutMs?: number;
}

/** @internal */
export interface RunningPush {
  /** Pushes now; resolves when done (failures are reported, never thrown). */
  push(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Pushes the metrics (Prometheus text, whichever tracker records them) to a
 * Prometheus push gateway with PUT, replacing the group's previous push. Only
 * the current state is ever sent, so an unreachable gateway costs no memory.
 * @internal
 */
export function startPushGateway(options: PushGatewayOptions, serviceName: string): RunningPush {
  const registry = new Registry();
  for (const metric of createMetrics()) registry.registerMetric(metric as never);
  writeThrough(registry);
  const groups = { job: options.jobName ?? serviceName, ...options.groupings };
  const path = Object.entries(groups)
    .map(([k, v]) => `/${encodeURIComponent(k)}/${encodeURIComponent(v)}`)
    .join("");
  const target = new URL(`${options.url.replace(/\/+$/, "")}/metrics${path}`);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const timeout = options.timeoutMs ?? 5000;

  let inFlight: Promise<void> | null = null;
  const push = (): Promise<void> =>
    (inFlight ??= registry
      .metrics()
      .then(
        (body) =>
          new Promise<void>((resolve) => {
            const req = send(target, { method: "PUT", timeout, headers: { "Content-Type": registry.contentType } }, (res) => {
              res.resume();
              if (res.statusCode !== undefined && res.statusCode >= 300) {
                reportThrottled("push-gateway", `the push gateway at ${options.url} answered ${res.statusCode}`);
              }
              res.on("end", resolve);
              res.on("error", () => resolve());
            });
            req.on("timeout", () => req.destroy(new Error(`no answer within ${timeout} ms`)));
            req.on("error", (error) => {
              reportThrottled("push-gateway", `pushing metrics to ${options.url} failed`, error);
              resolve();
            });
            req.end(body);
          }),
      )
      .finally(() => {
        inFlight = null;
      }));

  const timer = setInterval(() => void push(), options.intervalMs ?? 10_000);
  timer.unref(); // pushing never keeps the process alive...
  const onBeforeExit = () => void push(); // ...but the last numbers go out before it ends (bounded by the timeout)
  process.once("beforeExit", onBeforeExit);
  return {
    push,
    close: async () => {
      clearInterval(timer);
      process.off("beforeExit", onBeforeExit);
      await push();
    },
  };
}
