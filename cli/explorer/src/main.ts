import "uplot/dist/uPlot.min.css";
import "./style.css";
import { COLOURS, type ChartSpec, UNITS, align, renderChart } from "./charts";
import { h, percent, rate } from "./dom";
import { MAX_DRAWN, renderNeighbours, renderServiceGraph } from "./graph";
import type { Manifest } from "autometrics-register/tooling";
import { type Edge, type Fn, type Model, buildModel, edgesOf, keyOf } from "./model";
import { renderObjective } from "./objectives";
import * as prometheus from "./prometheus";
import * as queries from "./queries";
import { renderTree, treeKeys } from "./tree";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  range: $<HTMLSelectElement>("range"),
  runtime: $<HTMLSelectElement>("runtime"),
  runtimeFilter: $<HTMLLabelElement>("runtime-filter"),
  live: $<HTMLInputElement>("live"),
  updated: $<HTMLSpanElement>("updated"),
  problems: $<HTMLDivElement>("problems"),
  search: $<HTMLInputElement>("search"),
  counts: $<HTMLParagraphElement>("counts"),
  tree: $<HTMLDivElement>("tree"),
  detail: $<HTMLElement>("detail"),
};

/** What the address says: the function shown (`#m=<module>&f=<function>`). */
function selectedKey(): string | undefined {
  const params = new URLSearchParams(location.hash.slice(1));
  const [module, fn] = [params.get("m"), params.get("f")];
  return module !== null && fn !== null ? keyOf(module, fn) : undefined;
}
const hrefOf = (module: string, fn: string) => `#${new URLSearchParams({ m: module, f: fn })}`;

let manifest: Manifest;
let model: Model | undefined;
/** `undefined`: everywhere; "": the server's own calls (no `runtime` label); else a `runtime` label value. */
let runtime: string | undefined;
let refreshing: Promise<void> | undefined;

/** Prometheus's rate window for a chart of `step` seconds: at least a minute, so a few scrapes fall in it. */
const windowFor = (step: number) => `${Math.max(60, Math.ceil(step * 4))}s`;

function promqlLink(expr: string, rangeSeconds: number): string {
  const url = new URL("graph", manifest.prometheus.endsWith("/") ? manifest.prometheus : `${manifest.prometheus}/`);
  url.searchParams.set("g0.expr", expr);
  url.searchParams.set("g0.tab", "0");
  url.searchParams.set("g0.range_input", `${Math.round(rangeSeconds / 60)}m`);
  return url.toString();
}

function problem(kind: "error" | "warning", text: string, details?: string[]): HTMLElement {
  return h(
    "div",
    { class: `problem ${kind}`, "data-problem": kind },
    h("strong", {}, kind === "error" ? "✕ " : "▲ "),
    text,
    details && details.length > 0
      ? h(
          "ul",
          {},
          ...details.slice(0, 10).map((d) => h("li", {}, d)),
          details.length > 10 ? h("li", {}, `and ${details.length - 10} more`) : null,
        )
      : null,
  );
}

async function explainEmpty(): Promise<HTMLElement> {
  let detail: string[] = [];
  try {
    detail = (await prometheus.targets()).map((t) => `${t.scrapeUrl}: ${t.health}${t.lastError ? ` (${t.lastError})` : ""}`);
  } catch {
    // said by the query's own error
  }
  return problem(
    "warning",
    `Prometheus at ${manifest.prometheus} has no autometrics series in the last ${ui.range.selectedOptions[0]!.text}${runtime !== undefined ? " for this runtime" : ""}: is your app running, instrumented and scraped? ${detail.length ? "Its targets:" : "It has no targets yet."}`,
    detail,
  );
}

async function refresh(): Promise<void> {
  const problems: HTMLElement[] = [];
  const range = Number(ui.range.value);
  const end = Math.floor(Date.now() / 1000);
  const step = Math.max(5, Math.round(range / 240));
  const window = windowFor(Math.min(step, 75));
  try {
    model = buildModel(manifest, await prometheus.query(queries.calls(window, runtime)));
    offerRuntimes(model.runtimes);
  } catch (error) {
    ui.problems.replaceChildren(problem("error", (error as Error).message));
    model ??= buildModel(manifest, []);
    await render(model, undefined);
    return;
  }
  if (manifest.functions.length === 0)
    problems.push(
      problem(
        "warning",
        `No instrumented function was found in ${manifest.root}: is that the app's directory (--project), and are its plugin options there?`,
      ),
    );
  if (![...model.functions.values()].some((f) => f.rate !== undefined)) problems.push(await explainEmpty());
  if (model.unlisted.length > 0 && manifest.functions.length > 0)
    problems.push(
      problem(
        "warning",
        `${model.unlisted.length} function${model.unlisted.length === 1 ? "" : "s"} Prometheus has series of ${model.unlisted.length === 1 ? "is" : "are"} not in the code at ${manifest.root}: was it changed since the app was built, or is --project another app?`,
        model.unlisted.map((f) => `${f.function} (${f.module})`),
      ),
    );
  ui.problems.replaceChildren(...problems);
  await render(model, { start: end - range, end, step, window, range });
  ui.updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
}

function drawTree(): void {
  if (model === undefined) return;
  const uncalled = runtime === undefined ? "not called yet" : `no calls in ${runtime === "" ? "the server" : runtime}`;
  renderTree(ui.tree, [...model.functions.values()], ui.search.value, selectedKey(), (f) => hrefOf(f.module, f.function), uncalled);
}

async function render(
  model: Model,
  time: { start: number; end: number; step: number; window: string; range: number } | undefined,
): Promise<void> {
  const functions = [...model.functions.values()];
  const seen = functions.filter((f) => f.rate !== undefined).length;
  ui.counts.textContent = `${manifest.functions.length} in the code, ${seen} with calls`;
  const selected = selectedKey();
  drawTree();
  const fn = selected === undefined ? undefined : model.functions.get(selected);
  const linkTo = (key: string) => {
    const f = model.functions.get(key);
    return f ? hrefOf(f.module, f.function) : undefined;
  };
  if (time === undefined) return;
  if (fn === undefined) {
    // The whole service's edges only when there are few enough functions to draw.
    const edges = seen <= MAX_DRAWN ? await edgesOrProblem(queries.edges(time.window, runtime)) : undefined;
    ui.detail.replaceChildren(overview(functions), edges instanceof HTMLElement ? edges : renderServiceGraph(model, edges, linkTo));
    return;
  }
  const [view, edges] = await Promise.all([
    functionView(fn, time),
    edgesOrProblem(queries.edges(time.window, runtime, { fn: fn.function, module: fn.module })),
  ]);
  ui.detail.replaceChildren(view, edges instanceof HTMLElement ? edges : renderNeighbours(model, edges, fn, linkTo));
}

async function edgesOrProblem(expr: string): Promise<Edge[] | HTMLElement> {
  try {
    return edgesOf(await prometheus.query(expr));
  } catch (error) {
    return problem("error", (error as Error).message);
  }
}

function overview(functions: Fn[]): HTMLElement {
  const busiest = functions
    .filter((f) => f.rate)
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0))
    .slice(0, 10);
  return h(
    "section",
    { class: "overview" },
    h("h2", {}, "Your functions"),
    h("p", {}, "Choose a function on the left for its calls, errors, latency, objective and callers."),
    busiest.length > 0
      ? h(
          "table",
          {},
          h("caption", {}, "Most called"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "function"),
              h("th", { scope: "col" }, "module"),
              h("th", { scope: "col" }, "calls"),
              h("th", { scope: "col" }, "errors"),
            ),
          ),
          h(
            "tbody",
            {},
            ...busiest.map((f) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, h("a", { href: hrefOf(f.module, f.function) }, f.function)),
                h("td", {}, f.module),
                h("td", {}, rate(f.rate ?? 0)),
                h("td", {}, percent((f.errors ?? 0) / (f.rate || 1))),
              ),
            ),
          ),
        )
      : null,
  );
}

async function functionView(
  fn: Fn,
  time: { start: number; end: number; step: number; window: string; range: number },
): Promise<HTMLElement> {
  const q = queries.charts(fn.function, fn.module, time.window, runtime);
  const specs: ChartSpec[] = [
    {
      id: "rate",
      title: "Calls per second",
      query: q.rate,
      lines: [
        { label: "ok", pick: (m) => m.result !== "error", colour: COLOURS.blue },
        { label: "error", pick: (m) => m.result === "error", colour: COLOURS.vermillion, dash: [6, 3] },
      ],
      unit: UNITS.rate,
      empty: "No calls in this time range.",
    },
    {
      id: "error-ratio",
      title: "Error ratio",
      query: q.errorRatio,
      lines: [{ label: "errors", pick: () => true, colour: COLOURS.vermillion, dash: [6, 3] }],
      unit: UNITS.percent,
      empty: "No calls in this time range.",
    },
    {
      id: "latency",
      title: "Latency",
      query: q.latency,
      lines: [
        { label: "p50", pick: (m) => m.percentile === "p50", colour: COLOURS.blue },
        { label: "p95", pick: (m) => m.percentile === "p95", colour: COLOURS.orange },
        { label: "p99", pick: (m) => m.percentile === "p99", colour: COLOURS.purple, dash: [2, 2] },
      ],
      unit: UNITS.seconds,
      empty: "No calls in this time range.",
    },
    {
      id: "concurrency",
      title: "Calls in progress",
      query: q.concurrency,
      lines: [{ label: "in progress", pick: () => true, colour: COLOURS.green }],
      unit: UNITS.count,
      empty: "Not tracked: instrument it with trackConcurrency to see this.",
    },
  ];
  const objective = fn.listed?.objective;
  const [results, ratios] = await Promise.all([
    Promise.all(specs.map((s) => prometheus.queryRange(s.query, time.start, time.end, time.step).catch((e: Error) => e))),
    objective ? prometheus.query(queries.objectiveRatios(objective.name)).catch((e: Error) => e) : [],
  ]);
  const figures = specs.map((spec, i) => {
    const result = results[i]!;
    if (result instanceof Error)
      return h(
        "figure",
        { class: "chart", "data-chart": spec.id, "data-points": 0 },
        h("figcaption", {}, spec.title),
        h("p", { class: "problem error" }, result.message),
      );
    return renderChart(spec, align(result, spec.lines, time.start, time.end, time.step), promqlLink(spec.query, time.range));
  });
  const listed = fn.listed;
  const file = listed ? `${manifest.root}/${listed.module}` : undefined;
  return h(
    "article",
    { class: "function", "data-function": fn.function, "data-module": fn.module },
    h("h2", {}, fn.function),
    h(
      "p",
      { class: "where" },
      listed && file
        ? [
            `${fn.module}:${listed.line} · `,
            h("a", { href: `vscode://file${encodeURI(file)}:${listed.line}`, class: "source" }, "open in VS Code"),
            " · ",
            h("a", { href: `file://${encodeURI(file)}`, class: "file" }, "the file"),
          ]
        : [fn.module, " · ", h("span", { class: "note" }, "not in the code at the project's root")],
    ),
    h(
      "dl",
      { class: "now" },
      h("dt", {}, "calls"),
      h("dd", { "data-now": "rate", "data-value": fn.rate ?? 0 }, rate(fn.rate ?? 0)),
      h("dt", {}, "errors"),
      h("dd", { "data-now": "error-ratio" }, percent((fn.errors ?? 0) / (fn.rate || 1))),
      h("dt", {}, "over"),
      h("dd", {}, `the last ${time.window}`),
    ),
    h("div", { class: "charts" }, ...figures),
    objective ? (ratios instanceof Error ? h("p", { class: "problem error" }, ratios.message) : renderObjective(objective, ratios)) : null,
  );
}

/** The runtime filter's choices, once calls from somewhere other than the server have been seen. */
function offerRuntimes(runtimes: string[]): void {
  const offered = [...ui.runtime.options].slice(2).map((o) => o.value);
  if (runtimes.length === 0 || runtimes.every((r) => offered.includes(r))) return;
  const all = [...new Set([...offered, ...runtimes])].sort();
  const chosen = ui.runtime.options.length > 0 ? ui.runtime.value : "*";
  ui.runtime.replaceChildren(
    h("option", { value: "*" }, "anywhere"),
    h("option", { value: "" }, "the server"),
    ...all.map((v) => h("option", { value: v }, v)),
  );
  ui.runtime.value = chosen;
  ui.runtimeFilter.hidden = false;
}

/** Refreshes done, and the filter the last one used: what the tests wait for. */
const done = { refreshes: 0, runtime: undefined as string | undefined };

function schedule(): void {
  let again = false;
  // One refresh at a time; a change during one is shown by one more right after it.
  const run = (): Promise<void> => {
    if (refreshing !== undefined) {
      again = true;
      return refreshing;
    }
    const shown = runtime;
    refreshing = refresh().finally(() => {
      refreshing = undefined;
      Object.assign(done, { refreshes: done.refreshes + 1, runtime: shown });
      if (again) {
        again = false;
        void run();
      }
    });
    return refreshing;
  };
  ui.range.addEventListener("change", run);
  ui.runtime.addEventListener("change", () => {
    runtime = ui.runtime.value === "*" ? undefined : ui.runtime.value;
    void run();
  });
  ui.search.addEventListener("input", drawTree);
  ui.search.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      ui.search.value = "";
      ui.search.dispatchEvent(new Event("input"));
    }
  });
  window.addEventListener("hashchange", () => void run());
  setInterval(() => ui.live.checked && document.visibilityState === "visible" && void run(), 10_000);
  treeKeys(ui.tree, ui.search);
  void run();
}

async function main(): Promise<void> {
  try {
    manifest = await (await fetch("api/manifest")).json();
  } catch (error) {
    ui.problems.replaceChildren(
      problem("error", `The Explorer's server cannot be reached (${(error as Error).message}): is \`autometrics start\` still running?`),
    );
    return;
  }
  schedule();
}

// For the tests and the bench: how many queries the page has sent, and the refreshes done.
(window as unknown as { explorer: object }).explorer = { requestsSent: prometheus.requestsSent, done };
void main();
