import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

const DIR = join(__dirname, "..", "..", "cli", "conformance", "dashboards");

/** Every panel query of the autometrics dashboards, as shipped. */
export function panelQueries(): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json"))) {
    const dashboard = JSON.parse(readFileSync(join(DIR, file), "utf8"));
    const visit = (node: any, panel: string) => {
      if (Array.isArray(node)) {
        for (const n of node) visit(n, panel);
        return;
      }
      if (node === null || typeof node !== "object") return;
      const title = typeof node.title === "string" && node.targets ? node.title : panel;
      if (typeof node.expr === "string" && node.expr.trim() !== "") out.push({ dashboard: file, panel: title, expr: node.expr });
      for (const [key, value] of Object.entries(node)) if (key !== "templating") visit(value, title);
    };
    visit(dashboard.panels ?? [], "");
  }
  return out;
}

/** The dashboards' template variables (Grafana's `label_values(metric, label)` queries). */
export function variableQueries(): { dashboard: string; name: string; query: string }[] {
  const out = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json"))) {
    const dashboard = JSON.parse(readFileSync(join(DIR, file), "utf8"));
    for (const v of dashboard.templating?.list ?? []) {
      const query = typeof v.query === "string" ? v.query : v.query?.query;
      if (typeof query === "string" && query.startsWith("label_values(")) out.push({ dashboard: file, name: v.name, query });
    }
  }
  return out;
}

/** Fills in Grafana's variables the way Grafana would for a dashboard open on the last minute. */
export function substitute(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, braced, bare) => {
    const name = braced ?? bare;
    if (!(name in vars)) throw new Error(`no value for Grafana variable ${name} in: ${expr}`);
    return vars[name]!;
  });
}
