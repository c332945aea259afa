import { DECIMAL, ObjectiveValueError, checkPercentile } from "autometrics-runtime/spec";
import { type ObjectiveSpec, type Options, definedObjective, threshold } from "./options";
import type { Fields, SourceDirective } from "./directives";

/** A directive with fields, and where it is, as errors name it. */
export interface Placed {
  source: SourceDirective;
  /** `in `handle` (src/api.js)`, `in the prologue of src/api.js`. */
  where: string;
}

/** A directive the plugins reject: the message, and the directive it is about. */
export class DirectiveError extends Error {
  constructor(
    readonly node: SourceDirective["node"],
    message: string,
  ) {
    super(message);
    this.name = "DirectiveError";
  }
}

/** The directive form of an objective's fields, as users write it. */
function describeFields(spec: ObjectiveSpec): string {
  const parts: string[] = [];
  if (spec.successRate !== undefined) parts.push(`successRate=${spec.successRate}`);
  if (spec.latency !== undefined) parts.push(`latency=${spec.latency[0]}@${spec.latency[1]}`);
  return parts.join(" ");
}

/** Runs `check`, naming `field` in the problem it throws. */
function within<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw e instanceof ObjectiveValueError ? new ObjectiveValueError(`${field}: ${e.message}`) : e;
  }
}

function define(fields: Fields, buckets: readonly number[]): ObjectiveSpec {
  const spec: ObjectiveSpec = { name: fields.objective };
  const { successRate, latency } = fields;
  if (successRate !== undefined) spec.successRate = within("successRate", () => checkPercentile(successRate));
  if (latency !== undefined) {
    spec.latency = within("latency", (): [string, string] => {
      const at = latency.indexOf("@");
      if (at < 0) throw new ObjectiveValueError(`expected <seconds>@<percentile> such as 0.25@99, got \`${latency}\``);
      const bound = latency.slice(0, at);
      if (!DECIMAL.test(bound)) throw new ObjectiveValueError(`threshold \`${bound}\` is not a number of seconds`);
      return [threshold(bound, buckets), checkPercentile(latency.slice(at + 1))];
    });
  }
  return spec;
}

/**
 * The objectives a file's directives declare (docs/transform.md, "Objectives
 * in the source"): each directive with fields, its objective. A directive
 * with `successRate` or `latency` defines its objective, which must agree
 * with every other definition of that name (the options' and this file's);
 * one with `objective` alone names an objective defined by either.
 */
export function sourceObjectives(options: Options, placed: readonly Placed[]): Map<SourceDirective, ObjectiveSpec> {
  const fail = ({ source, where }: Placed, problem: string): never => {
    throw new DirectiveError(source.node, `autometrics: invalid directive "${source.text}" ${where}: ${problem}`);
  };
  const out = new Map<SourceDirective, ObjectiveSpec>();
  const here = new Map<string, ObjectiveSpec>();
  for (const p of placed) if (p.source.problem !== undefined) fail(p, p.source.problem);
  // Definitions first: a directive may name an objective defined further down.
  for (const p of placed) {
    const fields = p.source.fields!;
    if (fields.successRate === undefined && fields.latency === undefined) continue;
    let spec: ObjectiveSpec;
    try {
      spec = define(fields, options.buckets);
    } catch (e) {
      throw e instanceof ObjectiveValueError ? fail(p, e.message) : e;
    }
    const earlier = here.get(spec.name);
    const other = earlier ?? definedObjective(options, spec.name);
    if (other !== undefined && describeFields(other) !== describeFields(spec)) {
      fail(
        p,
        `objective \`${spec.name}\` is defined differently ${earlier !== undefined ? "earlier in this file" : "in the `objectives` option"} (${describeFields(other)})`,
      );
    }
    here.set(spec.name, spec);
    out.set(p.source, spec);
  }
  for (const p of placed) {
    const name = p.source.fields!.objective;
    if (out.has(p.source)) continue;
    const spec = here.get(name) ?? definedObjective(options, name);
    if (spec === undefined) {
      const known = [...new Set([...options.objectives.map((r) => r.objective.name), ...here.keys()])];
      fail(
        p,
        known.length === 0
          ? `unknown objective \`${name}\`: none is defined (define it in the \`objectives\` option, or here with successRate=… or latency=…)`
          : `unknown objective \`${name}\` (defined: ${known.join(", ")})`,
      );
    }
    out.set(p.source, spec!);
  }
  return out;
}
