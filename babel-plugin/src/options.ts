import { BLANK, DEFAULT_BUCKETS, ObjectiveValueError, checkPercentile, checkThreshold } from "autometrics-runtime/spec";
import { GlobError, GlobSet } from "./glob";

export interface ObjectiveSpec {
  name: string;
  successRate?: string;
  latency?: [string, string];
}

interface ObjectiveRule {
  objective: ObjectiveSpec;
  files: GlobSet | null;
  functions: GlobSet | null;
}

export interface Options {
  include: GlobSet;
  exclude: GlobSet;
  functions: GlobSet;
  root: string | undefined;
  runtime: string;
  objectives: ObjectiveRule[];
  trackConcurrency: boolean;
  buckets: readonly number[];
  moduleSystem: "auto" | "esm" | "commonjs";
}

const KNOWN = ["include", "exclude", "functions", "root", "runtime", "objectives", "trackConcurrency", "buckets", "moduleSystem"];

/** The one wording both plugins use for bad options (see docs/transform.md). */
export class OptionError extends Error {
  constructor(option: string, problem: string) {
    super(`autometrics: invalid option \`${option}\`: ${problem}`);
    this.name = "OptionError";
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

function globs(value: unknown, option: string, separator: "/" | ".", fallback: string[]): GlobSet {
  if (value === undefined) return new GlobSet(fallback, separator);
  const list = typeof value === "string" ? [value] : value;
  const what = separator === "/" ? "a glob or an array of globs" : "a name pattern or an array of them";
  if (!Array.isArray(list)) throw new OptionError(option, `expected ${what}, got ${describe(value)}`);
  list.forEach((p, i) => {
    if (typeof p !== "string") throw new OptionError(`${option}[${i}]`, `expected a string, got ${describe(p)}`);
  });
  try {
    return new GlobSet(list as string[], separator);
  } catch (e) {
    if (e instanceof GlobError) throw new OptionError(option, e.message);
    throw e;
  }
}

function shortest(n: number): string {
  return String(n);
}

/** Runs `check`, naming `option` in the error it throws. */
function at<T>(option: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ObjectiveValueError) throw new OptionError(option, e.message);
    throw e;
  }
}

/** A latency threshold in seconds (a number, or a decimal string such as "0.25") that is one of `buckets`, as the shortest decimal. */
export function threshold(value: unknown, buckets: readonly number[]): string {
  const bound = checkThreshold(value);
  if (!buckets.includes(bound)) {
    throw new ObjectiveValueError(`threshold ${shortest(bound)} is not a histogram bucket (buckets: ${buckets.map(shortest).join(", ")})`);
  }
  return shortest(bound);
}

function objective(value: unknown, option: string, buckets: readonly number[]): ObjectiveRule {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OptionError(option, `expected an object, got ${describe(value)}`);
  }
  const entry = value as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (!["name", "successRate", "latency", "files", "functions"].includes(key)) {
      throw new OptionError(`${option}.${key}`, "unknown field (known: name, successRate, latency, files, functions)");
    }
  }
  if (typeof entry.name !== "string" || BLANK.test(entry.name)) {
    throw new OptionError(`${option}.name`, "an objective needs a non-empty name");
  }
  if (entry.successRate === undefined && entry.latency === undefined) {
    throw new OptionError(option, `objective "${entry.name}" has neither successRate nor latency`);
  }
  const spec: ObjectiveSpec = { name: entry.name };
  if (entry.successRate !== undefined) spec.successRate = at(`${option}.successRate`, () => checkPercentile(entry.successRate));
  if (entry.latency !== undefined) {
    const latency = entry.latency;
    if (!Array.isArray(latency) || latency.length !== 2) {
      throw new OptionError(`${option}.latency`, "expected [threshold in seconds, percentile]");
    }
    spec.latency = at(`${option}.latency`, (): [string, string] => [threshold(latency[0], buckets), checkPercentile(latency[1])]);
  }
  return {
    objective: spec,
    files: entry.files === undefined ? null : globs(entry.files, `${option}.files`, "/", []),
    functions: entry.functions === undefined ? null : globs(entry.functions, `${option}.functions`, ".", []),
  };
}

/** Whether `include`/`exclude` select a file (its path relative to the root; null when it lies outside). */
export function selectsFile(options: Options, file: string | null): boolean {
  return file !== null && !options.include.empty && options.include.matches(file) && !options.exclude.matches(file);
}

/** Validates the plugin options; every problem is an `OptionError` naming the option. */
export function parseOptions(raw: unknown): Options {
  const input = (raw ?? {}) as Record<string, unknown>;
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new OptionError("options", `expected an object, got ${describe(raw)}`);
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key)) throw new OptionError(key, `unknown option (known: ${KNOWN.join(", ")})`);
  }
  const flag = (key: string): boolean => {
    const v = input[key];
    if (v === undefined) return false;
    if (typeof v !== "boolean") throw new OptionError(key, `expected a boolean, got ${describe(v)}`);
    return v;
  };
  const text = (key: string): string | undefined => {
    const v = input[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new OptionError(key, `expected a non-empty string, got ${describe(v)}`);
    return v;
  };

  let buckets = DEFAULT_BUCKETS;
  if (input.buckets !== undefined) {
    const b = input.buckets;
    if (!Array.isArray(b) || b.length === 0) throw new OptionError("buckets", "expected a non-empty array of numbers (seconds)");
    let previous = -Infinity;
    for (const x of b) {
      if (typeof x !== "number" || !Number.isFinite(x) || x <= 0) {
        throw new OptionError("buckets", `bucket ${JSON.stringify(x)} is not a positive finite number`);
      }
      if (x <= previous) throw new OptionError("buckets", "buckets must be strictly increasing");
      previous = x;
    }
    buckets = b as number[];
  }

  const moduleSystem = input.moduleSystem ?? "auto";
  if (moduleSystem !== "auto" && moduleSystem !== "esm" && moduleSystem !== "commonjs") {
    throw new OptionError("moduleSystem", `expected "auto", "esm" or "commonjs", got ${JSON.stringify(moduleSystem)}`);
  }

  const objectivesRaw = input.objectives ?? [];
  if (!Array.isArray(objectivesRaw)) throw new OptionError("objectives", `expected an array, got ${describe(objectivesRaw)}`);

  return {
    include: globs(input.include, "include", "/", []),
    exclude: globs(input.exclude, "exclude", "/", ["**/node_modules/**"]),
    functions: globs(input.functions, "functions", ".", []),
    root: text("root"),
    runtime: text("runtime") ?? "autometrics-runtime",
    objectives: objectivesRaw.map((o, i) => objective(o, `objectives[${i}]`, buckets)),
    trackConcurrency: flag("trackConcurrency"),
    buckets,
    moduleSystem,
  };
}

/**
 * The objective the options attach to a function: the first entry matching
 * its file and label. An entry with neither `files` nor `functions` only
 * defines an objective, which directives attach by name.
 */
export function objectiveFor(options: Options, file: string | null, label: string): ObjectiveSpec | undefined {
  for (const rule of options.objectives) {
    if (rule.files === null && rule.functions === null) continue;
    if (rule.files !== null && (file === null || !rule.files.matches(file))) continue;
    if (rule.functions !== null && !rule.functions.matches(label)) continue;
    return rule.objective;
  }
  return undefined;
}

/** The objective the options define under `name` (the first entry of that name). */
export function definedObjective(options: Options, name: string): ObjectiveSpec | undefined {
  return options.objectives.find((rule) => rule.objective.name === name)?.objective;
}
