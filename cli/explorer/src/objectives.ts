import { ALERTS, WINDOWS } from "../../src/rules";
import { h, percent } from "./dom";
import type { Listed } from "autometrics-register/tooling";
import type { Sample } from "./prometheus";

export type Status = "ok" | "ticket" | "page" | "no-data";

const SHOWN: Record<Status, [symbol: string, words: string]> = {
  ok: ["✓", "within budget"],
  ticket: ["▲", "burning its budget: its ticket alert fires"],
  page: ["■", "burning its budget fast: its page alert fires"],
  "no-data": ["…", "no data yet (the rules need a call a minute)"],
};

/** The burn-rate status the shipped alert rules would give, from the windows' recorded error ratios. */
export function statusOf(ratios: Map<string, number>, budget: number): Status {
  if (ratios.size === 0) return "no-data";
  for (const { severity, pairs } of ALERTS) {
    if (pairs.some(([factor, short, long]) => (ratios.get(short) ?? 0) > factor * budget && (ratios.get(long) ?? 0) > factor * budget))
      return severity;
  }
  return "ok";
}

/**
 * The function's objective: for each kind it has (success rate, latency), the
 * error budget's burn rate over each window the alert rules use, and the
 * status they give: which of its alerts fire.
 */
export function renderObjective(objective: NonNullable<Listed["objective"]>, samples: Sample[]): HTMLElement {
  const kinds: { kind: string; percentile: string; what: string }[] = [];
  if (objective.successRate)
    kinds.push({ kind: "success-rate", percentile: objective.successRate, what: `${objective.successRate}% of calls succeed` });
  if (objective.latency)
    kinds.push({
      kind: "latency",
      percentile: objective.latency[1],
      what: `${objective.latency[1]}% of calls take under ${Number(objective.latency[0]) * 1000} ms`,
    });
  const rows = kinds.map(({ kind, percentile, what }) => {
    const slo = `${kind}-${percentile}`;
    const ratios = new Map<string, number>();
    for (const s of samples) if (s.metric.sloth_slo === slo && Number.isFinite(s.value)) ratios.set(s.metric.sloth_window!, s.value);
    const budget = 1 - Number(percentile) / 100;
    const status = statusOf(ratios, budget);
    const [symbol, words] = SHOWN[status];
    return h(
      "tr",
      { "data-objective": slo, "data-status": status },
      h("th", { scope: "row" }, what),
      h("td", { class: `status ${status}` }, h("span", { "aria-hidden": "true" }, `${symbol} `), words),
      ...WINDOWS.map((w) => {
        const ratio = ratios.get(w);
        return h(
          "td",
          {
            "data-window": w,
            "data-burn": ratio === undefined ? undefined : ratio / budget,
            title: ratio === undefined ? undefined : `${percent(ratio)} of calls failed`,
          },
          ratio === undefined ? "–" : `${(ratio / budget).toFixed(2)}×`,
        );
      }),
    );
  });
  return h(
    "section",
    { class: "objective", "aria-labelledby": "objective-title" },
    h("h3", { id: "objective-title" }, `Objective “${objective.name}”`),
    h(
      "table",
      {},
      h("caption", {}, "How fast the error budget burns over each window the alert rules use (1× spends it exactly in 30 days)"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "goal"),
          h("th", { scope: "col" }, "status"),
          ...WINDOWS.map((w) => h("th", { scope: "col" }, w)),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}
