import type { Registry } from "prom-client";
import { getBuildInfo } from "../build-info";
import { CollectedMetric } from "./metrics";
import { type Format, flat, labelListsOf, probeDefaults, renderMetric } from "./render";

/**
 * prom-client's `registry.metrics()` (and `getSingleMetricAsString`) writes
 * each metric through the registry's `getMetricsAsString(metric)`, which
 * calls the metric's `get()` and formats every sample it returns: for the
 * autometrics metrics, an object of labels per sample built at scrape time,
 * then spread with the default labels, escaped value by value and joined,
 * all in one turn of the event loop (prom-client awaits nothing in between).
 * On the registries the runtime puts its metrics on, that method writes the
 * autometrics metrics with render.ts instead (the labels escaped once and
 * kept, in slices between which the event loop runs), and hands every other
 * metric to prom-client's own, so `registry.metrics()` is what it was, byte
 * for byte, at the cost of the runtime's own scrapes. `get()` stays as it
 * was, for `getMetricsAsJSON()`, `cluster` aggregation and registries the
 * runtime does not know of (`Registry.merge()`'s).
 */

type Write = (this: Registry, metric: unknown) => Promise<string>;

interface WriteThrough {
  /** The method put on the registry. */
  write: Write;
  /** What it replaced, and whether that was the registry's own property (rather than its class's). */
  previous: Write;
  own: boolean;
}

const OPENMETRICS = "application/openmetrics-text";

/** @internal Once this many characters are written since the last turn of the event loop, it runs before the next slice. */
export const YIELD_AFTER = 16_384;

const installed = new WeakMap<Registry, WriteThrough>();

/** @internal Lets the event loop run (between slices of a large scrape). */
export const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** @internal Has `registry` write the autometrics metrics with render.ts, and everyone else's as before. */
export function writeThrough(registry: Registry): void {
  if (installed.has(registry)) return;
  const target = registry as unknown as { getMetricsAsString?: Write };
  const previous = target.getMetricsAsString;
  if (typeof previous !== "function") return; // not a prom-client registry as we know it: leave it be
  const own = Object.hasOwn(registry, "getMetricsAsString");
  const write: Write = function (this: Registry, metric: unknown) {
    return metric instanceof CollectedMetric ? metricText(this, metric, previous) : previous.call(this, metric);
  };
  target.getMetricsAsString = write;
  installed.set(registry, { write, previous, own });
}

/** @internal Gives `registry` back its own way of writing, unless someone has wrapped ours since (which then still works). */
export function release(registry: Registry): void {
  const entry = installed.get(registry);
  if (entry === undefined) return;
  installed.delete(registry);
  const target = registry as unknown as { getMetricsAsString?: Write };
  if (target.getMetricsAsString !== entry.write) return;
  if (entry.own) target.getMetricsAsString = entry.previous;
  else delete target.getMetricsAsString;
}

/**
 * The metrics being written: prom-client asks for all of a registry's at
 * once, and each is written when the one before it is done, starting on a
 * turn of its own, so a turn of the event loop waits for one slice at most,
 * not one of each.
 */
let queue: Promise<unknown> = Promise.resolve();

/** The writings asked for and not yet done, by registry and metric, with the content type they are written in. */
const pending = new WeakMap<Registry, Map<CollectedMetric, { contentType: string; text: Promise<string> }>>();

/**
 * What `getMetricsAsString` returns for `metric`, written by render.ts after
 * the metrics asked for before it. A call while the same metric of the same
 * registry is being written (concurrent scrapes) gets that writing's text,
 * as the runtime's own scrapes do.
 */
function metricText(registry: Registry, metric: CollectedMetric, previous: Write): Promise<string> {
  let writings = pending.get(registry);
  if (writings === undefined) pending.set(registry, (writings = new Map()));
  const contentType = registry.contentType;
  const writing = writings.get(metric);
  if (writing !== undefined && writing.contentType === contentType) return handOver(writing.text);
  const text = queue.then(turn).then(() => writeMetric(registry, metric, previous));
  const entry = { contentType, text };
  writings.set(metric, entry);
  queue = text.then(
    () => {},
    () => {},
  );
  void queue.then(() => {
    if (writings.get(metric) === entry) writings.delete(metric);
  });
  return text;
}

/** The last text handed to a call that shared a writing. */
let handed: Promise<unknown> = Promise.resolve();

/**
 * `text`, for a call that shares its writing, a turn of the event loop after
 * the call before it got its own: each call then joins and sends its answer
 * (a string as large as the scrape, which prom-client joins and the server
 * encodes) in a turn of its own, rather than all of them in one.
 */
function handOver(text: Promise<string>): Promise<string> {
  const mine = Promise.all([text, handed]).then(async ([done]) => {
    await turn();
    return done;
  });
  handed = mine.catch(() => {});
  return mine;
}

/** `metric` written by render.ts; by prom-client if the registry's default labels cannot be probed. */
async function writeMetric(registry: Registry, metric: CollectedMetric, previous: Write): Promise<string> {
  const defaults = await probeDefaults(registry, labelListsOf([metric.kind]));
  if (defaults === null) return previous.call(registry, metric);
  const format: Format = {
    openMetrics: registry.contentType.startsWith(OPENMETRICS),
    serviceName: getBuildInfo().serviceName,
    defaults,
  };
  let text = "";
  let unyielded = 0;
  for (const slice of renderMetric(metric, format)) {
    if (unyielded > YIELD_AFTER) {
      await turn();
      unyielded = 0;
    }
    // Flattened slice by slice, so that joining them is a copy and not a walk of every piece at the end.
    text += flat(slice);
    unyielded += slice.length;
  }
  return text;
}
