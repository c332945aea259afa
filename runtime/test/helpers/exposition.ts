/** A minimal parser for the Prometheus text format and OpenMetrics, strict enough to catch malformed output. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar?: { labels: Record<string, string>; value: number; timestamp?: number };
}

export interface Family {
  name: string;
  type: string;
  help: string;
}

const LABELS = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/y;

function parseLabels(text: string, line: string): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = 0;
  if (text[i] !== "{") return [labels, 0];
  i++;
  while (text[i] !== "}") {
    LABELS.lastIndex = i;
    const m = LABELS.exec(text);
    if (m === null) throw new Error(`bad labels in line: ${line}`);
    if (m[1]! in labels) throw new Error(`duplicate label ${m[1]} in line: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    i = LABELS.lastIndex;
    if (text[i] === ",") i++;
  }
  return [labels, i + 1];
}

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const v = Number(text);
  if (text === "" || Number.isNaN(v)) throw new Error(`bad value ${JSON.stringify(text)} in line: ${line}`);
  return v;
}

export function parseExposition(text: string): { samples: Sample[]; families: Map<string, Family> } {
  const samples: Sample[] = [];
  const families = new Map<string, Family>();
  for (const line of text.split("\n")) {
    if (line === "" || line === "# EOF") continue;
    const meta = /^# (HELP|TYPE|UNIT) (\S+) (.*)$/.exec(line);
    if (meta !== null) {
      const family = families.get(meta[2]!) ?? { name: meta[2]!, type: "", help: "" };
      if (meta[1] === "HELP") family.help = meta[3]!;
      else if (meta[1] === "TYPE") family.type = meta[3]!;
      families.set(family.name, family);
      continue;
    }
    if (line.startsWith("#")) throw new Error(`unexpected comment line: ${line}`);
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (name === undefined) throw new Error(`bad sample line: ${line}`);
    let rest = line.slice(name.length);
    const [labels, used] = parseLabels(rest, line);
    rest = rest.slice(used);
    const [valuePart, exemplarPart] = rest.split(" # ");
    const fields = valuePart!.trim().split(" ");
    const sample: Sample = { name, labels, value: parseValue(fields[0]!, line) };
    if (exemplarPart !== undefined) {
      const [exLabels, exUsed] = parseLabels(exemplarPart, line);
      const [v, ts] = exemplarPart.slice(exUsed).trim().split(" ");
      sample.exemplar = { labels: exLabels, value: parseValue(v!, line), timestamp: ts === undefined ? undefined : Number(ts) };
    }
    samples.push(sample);
  }
  return { samples, families };
}

/** The samples of `name` whose labels include every pair in `match`. */
export function find(samples: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The single sample matching, or an error naming what was looked for. */
export function one(samples: Sample[], name: string, match: Record<string, string> = {}): Sample {
  const found = find(samples, name, match);
  if (found.length !== 1) {
    throw new Error(`expected one ${name} ${JSON.stringify(match)}, found ${found.length}`);
  }
  return found[0]!;
}
