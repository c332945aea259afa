import uPlot from "uplot";
import { h, percent, rate, seconds } from "./dom";
import type { Series } from "./prometheus";

/** Okabe–Ito: told apart with every common colour-vision deficiency; errors are also dashed. */
export const COLOURS = { blue: "#0072B2", orange: "#E69F00", vermillion: "#D55E00", green: "#009E73", purple: "#CC79A7" };

export interface Line {
  label: string;
  /** Picks this line's series from the query's result. */
  pick: (metric: Record<string, string>) => boolean;
  colour: string;
  dash?: number[];
}

export interface ChartSpec {
  id: string;
  title: string;
  query: string;
  lines: Line[];
  unit: (v: number) => string;
  /** Shown instead of the chart when the query has no data. */
  empty: string;
}

/** The timestamps from `start` to `end` every `step`, and each line's values at them (null where Prometheus had none). */
export function align(result: Series[], lines: Line[], start: number, end: number, step: number): uPlot.AlignedData {
  const times: number[] = [];
  for (let t = start; t <= end + 1e-9; t += step) times.push(Math.round(t * 1000) / 1000);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = lines.map((line) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const series of result) {
      if (!line.pick(series.metric)) continue;
      for (const [t, v] of series.values) {
        const i = index.get(Math.round(t * 1000) / 1000);
        if (i !== undefined && Number.isFinite(v)) column[i] = (column[i] ?? 0) + v;
      }
    }
    return column;
  });
  return [times, ...columns] as uPlot.AlignedData;
}

/**
 * A chart's figure: its title, a link to its query in Prometheus, and the
 * plot. `data-points` counts the values drawn, for whoever checks the page.
 */
export function renderChart(spec: ChartSpec, data: uPlot.AlignedData, queryLink: string): HTMLElement {
  const points = data.slice(1).reduce((n, column) => n + (column as (number | null)[]).filter((v) => v !== null).length, 0);
  const plot = h("div", { class: "plot" });
  const figure = h(
    "figure",
    { class: "chart", "data-chart": spec.id, "data-points": points },
    h(
      "figcaption",
      {},
      h("span", {}, spec.title),
      h("a", { href: queryLink, target: "_blank", rel: "noopener", class: "promql" }, "PromQL"),
    ),
    plot,
  );
  if (points === 0) {
    plot.append(h("p", { class: "empty" }, spec.empty));
    return figure;
  }
  // Drawn once the figure is on the page and has a width, and redrawn to fit when that changes.
  let chart: uPlot | undefined;
  new ResizeObserver(() => {
    const width = plot.clientWidth;
    if (width === 0) return;
    if (chart !== undefined) return chart.setSize({ width, height: 180 });
    chart = new uPlot(
      {
        width,
        height: 180,
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
        axes: [{}, { size: 70, values: (_u, ticks) => ticks.map(spec.unit) }],
        series: [
          {},
          ...spec.lines.map((line) => ({
            label: line.label,
            stroke: line.colour,
            width: 2,
            dash: line.dash,
            value: (_u: uPlot, v: number | null) => (v === null ? "–" : spec.unit(v)),
          })),
        ],
      },
      data,
      plot,
    );
  }).observe(plot);
  return figure;
}

export const UNITS = { rate, percent, seconds, count: (v: number) => String(Math.round(v * 100) / 100) };
