import type { ResolvedBuildInfo } from "../build-info";
import type { CallerSeries, FunctionHandle } from "../function-handle";
import { type Attributes, buildInfoAttributes, callAttributes, functionAttributes } from "../opentelemetry/attributes";
import { functions } from "../state";

/** A sum's point: a count of calls, or a gauge's value. */
export interface NumberPoint {
  attributes: Attributes;
  value: number;
}

export interface HistogramPoint {
  attributes: Attributes;
  bounds: readonly number[];
  /** Per bucket, not cumulative; the last is +Inf. */
  counts: ArrayLike<number>;
  sum: number;
  count: number;
}

/** What one push sends: the numbers at one moment, in OpenTelemetry's terms, before encoding. */
export interface Snapshot {
  resource: Attributes;
  /** Nanoseconds since the epoch, as decimal strings. */
  start: string;
  time: string;
  temporality: Temporality;
  calls: NumberPoint[];
  durations: HistogramPoint[];
  concurrent: NumberPoint[];
  buildInfo: Attributes;
}

export type Temporality = "cumulative" | "delta";

/** Every series goes out at least this often, changed or not: see `Snapshots`. */
const FULL_EVERY_MS = 10 * 60_000;

/** What a function had delivered when its last push was acknowledged. */
interface Delivered {
  ok: Map<CallerSeries, number>;
  error: Map<CallerSeries, number>;
  count: number;
  counts: Float64Array | null;
  sum: number;
}

/**
 * Takes snapshots of the runtime's numbers for one pusher and remembers what
 * each acknowledged push delivered, so a push carries only the series that
 * changed since (and all of them every ten minutes, so that a collector that
 * forgets quiet series, such as `cumulativetodelta` after its `max_staleness`,
 * hears from each again in time). With `delta` it sends the increase since the
 * last acknowledged push; with `cumulative`, the totals. Either way a push that
 * fails leaves nothing behind: the next one carries its numbers too.
 */
export class Snapshots {
  private readonly delivered = new Map<FunctionHandle, Delivered>();
  /**
   * Delta: the end of the last delivered push (at first, when the pusher started).
   * Cumulative: the time of the first push that may have reached a collector,
   * and until then of each attempt. A collector's `cumulativetodelta`
   * (initial_value "auto") counts a writer's first totals in full only when
   * their start is after its own, so a collector started after this writer
   * still counts what it was never sent, and a restarted one drops, rather than
   * counts twice, what its earlier run may have counted.
   */
  private start: bigint | undefined;
  private lastTime = 0n;
  private lastFull = Number.NEGATIVE_INFINITY;
  /** The resource and build_info attributes, made again when build_info changes (a new `init()`). */
  private described: { of: ResolvedBuildInfo; resource: Attributes; buildInfo: Attributes } | undefined;

  constructor(
    private readonly temporality: Temporality,
    private readonly info: () => ResolvedBuildInfo,
    /** This writer's `service.instance.id`, asked for at the first push (a Worker may not draw random numbers while its script loads). */
    private readonly instanceId: () => string,
    /** Attributes of every point: `runtime` on edge and browser writers. */
    private readonly extra: Attributes | undefined = undefined,
  ) {
    // Delta's first window starts now (a Worker's clock reads 0 while its script loads: then at the first push).
    const now = Date.now();
    this.start = temporality === "delta" && now > 0 ? BigInt(now) * 1_000_000n : undefined;
  }

  /**
   * The numbers now; `commit()` them once the collector has acknowledged their
   * push, or say `reached()` when it may have got them without an answer (a
   * timeout): the next push then keeps their start, so it is seen as the same
   * series.
   */
  take(): { snapshot: Snapshot; commit: () => void; reached: () => void } {
    const nowMs = Date.now();
    // Strictly increasing, so a collector never sees two pushes of one writer at the same time.
    // After the start, as a collector's cumulativetodelta requires of a new writer's first push.
    let time = BigInt(nowMs) * 1_000_000n;
    if (time <= this.lastTime) time = this.lastTime + 1n;
    if (this.start !== undefined && time <= this.start) time = this.start + 1n;
    const start = this.start ?? time - 1n;
    this.lastTime = time;
    const full = nowMs - this.lastFull >= FULL_EVERY_MS;
    const delta = this.temporality === "delta";
    const info = this.info();
    if (this.described?.of !== info) {
      const id = this.described?.resource["service.instance.id"] ?? this.instanceId();
      this.described = {
        of: info,
        resource: { "service.name": info.serviceName, "service.instance.id": id },
        buildInfo: buildInfoAttributes(info),
      };
    }
    const service = info.serviceName;
    const calls: NumberPoint[] = [];
    const durations: HistogramPoint[] = [];
    const concurrent: NumberPoint[] = [];
    const updates: (() => void)[] = [];
    for (const fn of functions) {
      const of = functionAttributes(fn, service);
      const known = this.delivered.get(fn);
      for (const s of fn.series) {
        const [okAttributes, errorAttributes] = callAttributes(fn, of, s);
        this.addCall(calls, updates, fn, s, "ok", s.ok, okAttributes, known, full, delta);
        this.addCall(calls, updates, fn, s, "error", s.error, errorAttributes, known, full, delta);
      }
      if (full || known === undefined || fn.count !== known.count) {
        const counts = Float64Array.from(fn.counts);
        const count = fn.count;
        const sum = fn.sum;
        const base = delta && known?.counts?.length === counts.length ? known : undefined;
        durations.push({
          attributes: this.with(of.duration),
          bounds: fn.bounds,
          counts: base === undefined ? counts : counts.map((c, i) => c - base.counts![i]!),
          sum: base === undefined ? sum : sum - base.sum,
          count: base === undefined ? count : count - base.count,
        });
        updates.push(() => {
          const d = this.deliveredOf(fn);
          d.count = count;
          d.counts = counts;
          d.sum = sum;
        });
      }
      if (fn.trackConcurrency) concurrent.push({ attributes: this.with(of.concurrent), value: fn.concurrent });
    }
    const snapshot: Snapshot = {
      resource: this.described.resource,
      start: String(start),
      time: String(time),
      temporality: this.temporality,
      calls,
      durations,
      concurrent,
      buildInfo: this.with(this.described.buildInfo),
    };
    const reached = () => {
      this.start ??= start;
    };
    let committed = false;
    const commit = () => {
      // Once: a page may count a push as delivered before its answer comes (and a later snapshot's numbers are newer).
      if (committed) return;
      committed = true;
      for (const update of updates) update();
      if (full) this.lastFull = nowMs;
      if (delta) this.start = time;
      else reached();
    };
    return { snapshot, commit, reached };
  }

  private addCall(
    calls: NumberPoint[],
    updates: (() => void)[],
    fn: FunctionHandle,
    s: CallerSeries,
    result: "ok" | "error",
    value: number,
    attributes: Attributes,
    known: Delivered | undefined,
    full: boolean,
    delta: boolean,
  ): void {
    const before = known?.[result].get(s) ?? 0;
    const seen = known?.[result].has(s) === true;
    if (!full && seen && before === value) return;
    calls.push({ attributes: this.with(attributes), value: delta ? value - before : value });
    updates.push(() => this.deliveredOf(fn)[result].set(s, value));
  }

  private deliveredOf(fn: FunctionHandle): Delivered {
    let d = this.delivered.get(fn);
    if (d === undefined) {
      d = { ok: new Map(), error: new Map(), count: -1, counts: null, sum: 0 };
      this.delivered.set(fn, d);
    }
    return d;
  }

  /** The attributes with this pusher's own (`runtime` on edge and browser writers), made once per attribute object. */
  private readonly withExtra = new WeakMap<Attributes, Attributes>();
  private with(attributes: Attributes): Attributes {
    if (this.extra === undefined) return attributes;
    let merged = this.withExtra.get(attributes);
    if (merged === undefined) this.withExtra.set(attributes, (merged = { ...attributes, ...this.extra }));
    return merged;
  }
}
