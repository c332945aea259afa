/**
 * One checker for the options objects the runtime takes (`init()`, the
 * wrapper, the decorators): each names the type of each of its options, and
 * says a problem with the error of its own kind.
 */

/** The type an option takes, or a test of its value with the words for what it expects. */
export type OptionType = "string" | "boolean" | "function" | "object" | "array" | { is(value: unknown): boolean; expected: string };

const EXPECTED = { string: "a string", boolean: "a boolean", function: "a function", object: "an object", array: "an array" };

/** A value's kind, in the words of the errors: `null`, "an array", or its `typeof`. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/**
 * Checks `options` against `known` (name → type): an unknown option, or one
 * of the wrong type, throws the error `fail` makes, naming it. An option
 * given as `undefined` is as if not given.
 */
export function checkOptionTypes(
  options: object,
  known: Readonly<Record<string, OptionType>>,
  fail: (option: string, problem: string) => Error,
): void {
  for (const [key, value] of Object.entries(options)) {
    const type = known[key];
    if (type === undefined) throw fail(key, `unknown option (known: ${Object.keys(known).join(", ")})`);
    if (value === undefined) continue;
    if (typeof type === "object") {
      if (!type.is(value)) throw fail(key, `expected ${type.expected}, got ${JSON.stringify(value)}`);
      continue;
    }
    const ok =
      type === "object"
        ? typeof value === "object" && value !== null && !Array.isArray(value)
        : type === "array"
          ? Array.isArray(value)
          : typeof value === type;
    if (!ok) throw fail(key, `expected ${EXPECTED[type]}, got ${describe(value)}`);
  }
}
