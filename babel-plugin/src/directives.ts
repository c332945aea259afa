import type { types as t } from "@babel/core";

const USE = "use autometrics";
const USE_NO = "use no autometrics";
const FIELDS = ["objective", "successRate", "latency"];

/** Whether a file's text may hold a directive (a cheap test before any parsing; the parse decides). */
export function mayHaveDirective(code: string): boolean {
  return code.includes(USE) || code.includes(USE_NO);
}

/** The fields of `"use autometrics objective=… successRate=… latency=…@…"`, as written. */
export interface Fields {
  objective: string;
  successRate?: string;
  latency?: string;
}

/** A directive with fields: what objectives.ts reads, or the problem with it. */
export interface SourceDirective {
  node: t.Directive;
  text: string;
  fields?: Fields;
  problem?: string;
}

/** The autometrics directive of a prologue: `"use no autometrics"` wins over `"use autometrics…"`. */
export interface Directive {
  kind: "use" | "no";
  source?: SourceDirective;
}

/** `key=value` fields separated by spaces, or the problem with them; undefined when there are none. */
function readFields(rest: string): Fields | string | undefined {
  const seen = new Map<string, string>();
  for (const token of rest.split(" ")) {
    if (token === "") continue;
    const eq = token.indexOf("=");
    if (eq <= 0) return `expected fields of the form key=value, got \`${token}\``;
    const key = token.slice(0, eq);
    if (!FIELDS.includes(key)) return `unknown field \`${key}\` (known: ${FIELDS.join(", ")})`;
    if (seen.has(key)) return `\`${key}\` is given twice`;
    if (token.length === eq + 1) return `\`${key}\` has no value`;
    seen.set(key, token.slice(eq + 1));
  }
  if (seen.size === 0) return undefined;
  const objective = seen.get("objective");
  if (objective === undefined) return "successRate and latency belong to an objective: name it with objective=<name>";
  const fields: Fields = { objective };
  if (seen.has("successRate")) fields.successRate = seen.get("successRate");
  if (seen.has("latency")) fields.latency = seen.get("latency");
  return fields;
}

/** What one directive says: not ours (null), `use` (with its fields) or `no`. */
function readDirective(node: t.Directive): Directive | null {
  const text = node.value.value;
  if (text === USE) return { kind: "use" };
  if (text === USE_NO) return { kind: "no" };
  if (text.startsWith(`${USE_NO} `)) return { kind: "no", source: { node, text, problem: `"${USE_NO}" takes no fields` } };
  if (!text.startsWith(`${USE} `)) return null;
  const fields = readFields(text.slice(USE.length));
  if (fields === undefined) return { kind: "use" };
  return { kind: "use", source: typeof fields === "string" ? { node, text, problem: fields } : { node, text, fields } };
}

/** The autometrics directive among `directives`, or null. */
export function directiveOf(directives: readonly t.Directive[] | undefined): Directive | null {
  if (directives === undefined) return null;
  let kind: "use" | "no" | null = null;
  let source: SourceDirective | undefined;
  for (const d of directives) {
    const read = readDirective(d);
    if (read === null) continue;
    if (read.source !== undefined) {
      source =
        source === undefined ? read.source : { node: d, text: read.source.text, problem: "a second directive with fields: keep one" };
    }
    if (kind !== "no") kind = read.kind;
  }
  return kind === null ? null : { kind, source };
}

/**
 * Removes `"use autometrics…"`, keeping every other directive in place.
 * `"use no autometrics"` stays: a later run over the output must still see it.
 */
export function dropDirectives(directives: t.Directive[] | undefined): void {
  if (directives === undefined) return;
  for (let i = directives.length - 1; i >= 0; i--) {
    if (readDirective(directives[i]!)?.kind === "use") directives.splice(i, 1);
  }
}

/** Directives of a function's body (arrows with an expression body have none). */
export function functionDirectives(node: t.Function): t.Directive[] | undefined {
  return node.body.type === "BlockStatement" ? node.body.directives : undefined;
}
