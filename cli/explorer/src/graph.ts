import { h, percent, rate } from "./dom";
import type { Edge, Fn, Model } from "./model";

const SVG = "http://www.w3.org/2000/svg";
/** More functions than this make a drawing no one can read: the page lists the edges instead. */
export const MAX_DRAWN = 60;

function nameOf(model: Model, key: string): string {
  if (key === "") return "(not called by an instrumented function)";
  const fn = model.functions.get(key);
  const [module, name] = fn ? [fn.module, fn.function] : key.split("\u0000");
  return `${name} (${module})`;
}

function edgeTable(
  model: Model,
  edges: Edge[],
  side: "caller" | "callee",
  href: (key: string) => string | undefined,
  caption: string,
): HTMLElement {
  if (edges.length === 0)
    return h("p", { class: "note" }, side === "caller" ? "No calls in this window." : "It called no instrumented function in this window.");
  const rows = [...edges]
    .sort((a, b) => b.rate - a.rate)
    .map((e) => {
      const key = side === "caller" ? e.caller : e.callee;
      const link = href(key);
      return h(
        "tr",
        { "data-edge": `${e.caller}\u0001${e.callee}`, "data-rate": e.rate, "data-errors": e.errors },
        h("th", { scope: "row" }, link ? h("a", { href: link }, nameOf(model, key)) : nameOf(model, key)),
        h("td", {}, rate(e.rate)),
        h("td", {}, percent(e.rate > 0 ? e.errors / e.rate : 0)),
      );
    });
  return h(
    "table",
    { class: `edges ${side}s` },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, side), h("th", { scope: "col" }, "calls"), h("th", { scope: "col" }, "errors"))),
    h("tbody", {}, ...rows),
  );
}

/** Who calls the function and whom it calls, with the rate and error ratio of each edge. */
export function renderNeighbours(model: Model, edges: Edge[], fn: Fn, href: (key: string) => string | undefined): HTMLElement {
  const callers = edges.filter((e) => e.callee === fn.key);
  const callees = edges.filter((e) => e.caller === fn.key);
  return h(
    "section",
    { class: "neighbours", "aria-labelledby": "calls-title" },
    h("h3", { id: "calls-title" }, "Calls"),
    h("div", { class: "pair" }, edgeTable(model, callers, "caller", href, "Called by"), edgeTable(model, callees, "callee", href, "Calls")),
  );
}

/**
 * The whole service's call graph (`edges` undefined: too big to ask for): functions in columns by their distance
 * from the calls that come from outside, an arrow per edge, as wide as its
 * rate; each function links to its view.
 */
export function renderServiceGraph(model: Model, edges: Edge[] | undefined, href: (key: string) => string | undefined): HTMLElement {
  const title = h("h3", { id: "graph-title" }, "Call graph");
  const tooMany = (count: number) =>
    h(
      "section",
      { class: "graph" },
      title,
      h(
        "p",
        { class: "note" },
        `${count} functions were called in this window: too many to draw. Open a function to see its callers and callees.`,
      ),
    );
  if (edges === undefined) return tooMany([...model.functions.values()].filter((f) => f.rate).length);
  const nodes = new Set<string>();
  for (const e of edges) {
    nodes.add(e.callee);
    if (e.caller !== "") nodes.add(e.caller);
  }
  if (nodes.size === 0) return h("section", { class: "graph" }, title, h("p", { class: "note" }, "No calls in this window."));
  if (nodes.size > MAX_DRAWN) return tooMany(nodes.size);
  // Depth: the longest chain of calls from outside (capped: calls can be recursive).
  const depth = new Map<string, number>();
  for (const n of nodes) depth.set(n, 0);
  for (let round = 0; round < nodes.size; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.caller === "" || e.caller === e.callee) continue;
      const d = Math.min((depth.get(e.caller) ?? 0) + 1, nodes.size);
      if (d > (depth.get(e.callee) ?? 0) && d < 12) {
        depth.set(e.callee, d);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns: string[][] = [];
  for (const [n, d] of depth) (columns[d] ??= []).push(n);
  const at = new Map<string, { x: number; y: number }>();
  const [boxW, boxH, gapX, gapY] = [200, 34, 70, 14];
  for (let c = 0; c < columns.length; c++) {
    const column = (columns[c] ??= []).sort((a, b) => nameOf(model, a).localeCompare(nameOf(model, b)));
    for (let r = 0; r < column.length; r++) at.set(column[r]!, { x: c * (boxW + gapX) + 10, y: r * (boxH + gapY) + 10 });
  }
  const width = columns.length * (boxW + gapX) + 10;
  const height = Math.max(...columns.map((c) => c.length)) * (boxH + gapY) + 10;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Call graph of ${nodes.size} functions`);
  const top = Math.max(...edges.map((e) => e.rate), 1e-9);
  const el = (tag: string, attrs: Record<string, string | number>) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const marker = el("marker", {
    id: "arrow",
    viewBox: "0 0 10 10",
    refX: 10,
    refY: 5,
    markerWidth: 8,
    markerHeight: 8,
    markerUnits: "userSpaceOnUse",
    orient: "auto-start-reverse",
  });
  marker.append(el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#555" }));
  const defs = el("defs", {});
  defs.append(marker);
  svg.append(defs);
  for (const e of edges) {
    if (e.caller === "") continue;
    const [from, to] = [at.get(e.caller)!, at.get(e.callee)!];
    const [x1, y1] = [from.x + boxW, from.y + boxH / 2];
    const [x2, y2] = e.caller === e.callee ? [to.x + boxW - 20, to.y] : [to.x, to.y + boxH / 2];
    const path = el("path", {
      d: `M ${x1} ${y1} C ${x1 + gapX} ${y1}, ${x2 - gapX} ${y2}, ${x2} ${y2}`,
      class: `edge${e.errors > 0 ? " failing" : ""}`,
      "stroke-width": 1 + 4 * (e.rate / top),
      "marker-end": "url(#arrow)",
      "data-edge": `${e.caller}\u0001${e.callee}`,
    });
    const tip = el("title", {});
    tip.textContent = `${nameOf(model, e.caller)} → ${nameOf(model, e.callee)}: ${rate(e.rate)}, ${percent(e.rate > 0 ? e.errors / e.rate : 0)} errors`;
    path.append(tip);
    const label = el("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, class: "edge-label", "text-anchor": "middle" });
    label.textContent = e.errors > 0 ? `${rate(e.rate)} · ${percent(e.errors / e.rate)} ✕` : rate(e.rate);
    svg.append(path, label);
  }
  for (const [n, p] of at) {
    const fn = model.functions.get(n);
    const link = href(n);
    const group = el(link ? "a" : "g", link ? { href: link } : {});
    group.append(el("rect", { x: p.x, y: p.y, width: boxW, height: boxH, rx: 5, class: `node${fn?.errors ? " failing" : ""}` }));
    const text = el("text", { x: p.x + 8, y: p.y + 21 });
    text.textContent = fn ? fn.function : nameOf(model, n);
    const tip = el("title", {});
    tip.textContent = `${nameOf(model, n)}: ${rate(fn?.rate ?? 0)}`;
    group.append(text, tip);
    svg.append(group);
  }
  return h("section", { class: "graph", "aria-labelledby": "graph-title" }, title, h("div", { class: "scroll" }, svg));
}
