/**
 * Prometheus recording and alerting rules for autometrics objectives: the
 * multi-window, multi-burn-rate rules of the autometrics rules file (generated
 * there by Sloth), for any percentile, so that objectives with percentiles the
 * shared file does not cover get alerts too.
 */
export type ObjectiveKind = "success-rate" | "latency";

/** The percentiles the shared autometrics rules file already covers, for both kinds. */
export const SHARED_PERCENTILES = ["90", "95", "99", "99.9"];

/** The windows of the recorded error ratios (`slo:sli_error:ratio_rate<window>`). */
export const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
/** The burn-rate alerts: page on a fast burn (2% of a 30-day budget in an hour), ticket on a slow one (10% in three days). */
export const ALERTS = [
  {
    severity: "page",
    pairs: [
      [14.4, "5m", "1h"],
      [6, "30m", "6h"],
    ],
  },
  {
    severity: "ticket",
    pairs: [
      [3, "2h", "1d"],
      [1, "6h", "3d"],
    ],
  },
] as const;

function sli(kind: ObjectiveKind, percentile: string, window: string): string {
  const p = `objective_percentile="${percentile}"`;
  const by = "sum by (objective_name, objective_percentile, service_name)";
  if (kind === "success-rate") {
    const calls = `{__name__=~"function_calls(_count)?(_total)?",${p}`;
    return `(${by} (rate(${calls},result="error"}[${window}])))\n/\n(${by} (rate(${calls}}[${window}])) >= 0.016666666666666666)`;
  }
  const buckets = `rate({__name__=~"function_calls_duration(_seconds)?_bucket", ${p}}[${window}])`;
  const count = `${by} (rate({__name__=~"function_calls_duration(_seconds)?_count", ${p}}[${window}]))`;
  return (
    `(${count} - (${by} (\n  label_join(${buckets}, "autometrics_check_label_equality", "", "objective_latency_threshold")\n  and\n` +
    `  label_join(${buckets}, "autometrics_check_label_equality", "", "le")\n))\n)\n/\n(${count} >= 0.016666666666666666)`
  );
}

function block(text: string, indent: string): string {
  return `|\n${text
    .split("\n")
    .map((l) => `${indent}${l}`)
    .join("\n")}`;
}

function labels(entries: Record<string, string>, indent: string): string {
  return Object.entries(entries)
    .map(([k, v]) => `${indent}${k}: ${JSON.stringify(v)}`)
    .join("\n");
}

function groupsFor(kind: ObjectiveKind, percentile: string): string {
  const slo = `${kind}-${percentile}`;
  const id = `autometrics-${slo}`;
  const ids = { sloth_id: id, sloth_service: "autometrics", sloth_slo: slo };
  const sel = `{sloth_id="${id}", sloth_service="autometrics", sloth_slo="${slo}"}`;
  const budget = Number((1 - Number(percentile) / 100).toFixed(6));
  const record = (name: string, expr: string, extra: Record<string, string> = {}) =>
    `  - record: ${name}\n    expr: ${block(expr, "      ")}\n    labels:\n${labels({ ...ids, ...extra }, "      ")}`;
  const sliRules = WINDOWS.map((w) => record(`slo:sli_error:ratio_rate${w}`, sli(kind, percentile, w), { sloth_window: w }));
  sliRules.push(
    record(
      "slo:sli_error:ratio_rate30d",
      `sum_over_time(slo:sli_error:ratio_rate5m${sel}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m${sel}[30d])`,
      { sloth_window: "30d" },
    ),
  );
  const meta = [
    record("slo:objective:ratio", `vector(${Number(percentile) / 100})`),
    record("slo:error_budget:ratio", `vector(${budget})`),
    record("slo:time_period:days", "vector(30)"),
    record(
      "slo:current_burn_rate:ratio",
      `slo:sli_error:ratio_rate5m${sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${sel}`,
    ),
    record(
      "slo:period_burn_rate:ratio",
      `slo:sli_error:ratio_rate30d${sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${sel}`,
    ),
    record("slo:period_error_budget_remaining:ratio", `1 - slo:period_burn_rate:ratio${sel}`),
    record("sloth_slo_info", "vector(1)", { sloth_mode: "cli-gen-prom", sloth_objective: percentile, sloth_spec: "prometheus/v1" }),
  ];
  const what = kind === "success-rate" ? "error rate" : "latency";
  const title = kind === "success-rate" ? "High Error Rate" : "High Latency";
  const alerts = ALERTS.map(({ severity, pairs }) => {
    const expr = pairs
      .map(([factor, short, long]) =>
        [
          "(",
          `    max(slo:sli_error:ratio_rate${short}${sel} > (${factor} * ${budget})) without (sloth_window)`,
          "    and",
          `    max(slo:sli_error:ratio_rate${long}${sel} > (${factor} * ${budget})) without (sloth_window)`,
          ")",
        ].join("\n"),
      )
      .join("\nor\n");
    return [
      `  - alert: ${title} SLO - ${percentile}%`,
      `    expr: ${block(expr, "      ")}`,
      "    labels:",
      labels({ category: kind, severity, sloth_severity: severity }, "      "),
      "    annotations:",
      `      summary: ${JSON.stringify(`High ${what} on the \`{{$labels.objective_name}}\` SLO for the \`{{$labels.service_name}}\` service`)}`,
      `      title: ${JSON.stringify(`(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`)}`,
    ].join("\n");
  });
  return [
    `- name: autometrics-slo-sli-recordings-${slo}\n  rules:\n${sliRules.join("\n")}`,
    `- name: autometrics-slo-meta-recordings-${slo}\n  rules:\n${meta.join("\n")}`,
    `- name: autometrics-slo-alerts-${slo}\n  rules:\n${alerts.join("\n")}`,
  ].join("\n");
}

/** A rules file (YAML) for the given objective percentiles, per kind. */
export function generateRules(percentiles: { kind: ObjectiveKind; percentile: string }[]): string {
  const seen = new Set<string>();
  const groups = [];
  for (const { kind, percentile } of percentiles) {
    const key = `${kind}-${percentile}`;
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push(groupsFor(kind, percentile));
  }
  return `# Autometrics SLO rules for the objectives of this project (generated by \`autometrics rules\`).\ngroups:\n${groups.join("\n")}\n`;
}
