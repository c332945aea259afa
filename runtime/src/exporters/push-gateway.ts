import { Pushgateway, Registry } from "prom-client";
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
 * Prometheus push gateway with PUT, through prom-client's client, replacing
 * the group's previous push. Only the current state is ever sent, so an
 * unreachable gateway costs no memory.
 * @internal
 */
export function startPushGateway(options: PushGatewayOptions, serviceName: string): RunningPush {
  const registry = new Registry();
  for (const metric of createMetrics()) registry.registerMetric(metric as never);
  writeThrough(registry);
  const { job, ...groupings } = { job: options.jobName ?? serviceName, ...options.groupings };
  const timeout = options.timeoutMs ?? 5000;
  const headers = { "Content-Type": registry.contentType };

  let inFlight: Promise<void> | null = null;
  // A deadline for the whole push, not only between packets: a gateway that
  // answers slowly, or never stops answering, costs one push and no more memory.
  const push = (): Promise<void> =>
    (inFlight ??= new Pushgateway(options.url, { timeout, signal: AbortSignal.timeout(timeout), headers }, registry)
      .push({ jobName: job, groupings })
      .then(
        () => undefined,
        (error: unknown) => reportThrottled("push-gateway", `pushing metrics to ${options.url} failed`, error),
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
