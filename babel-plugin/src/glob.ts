/**
 * The glob dialect of docs/transform.md, compiled to a RegExp. Both plugins
 * implement it themselves (not through a library) so they cannot disagree:
 * `*`, `?`, `**` as a whole segment, `[...]` classes, `{a,b}` alternatives,
 * `\` escapes. `separator` is "/" for file globs and "." for function names.
 */
export class GlobError extends Error {}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

export function compileGlob(pattern: string, separator: "/" | "."): RegExp {
  if (pattern === "") throw new GlobError("empty pattern");
  const sep = escapeRegExp(separator);
  const notSep = `[^${sep}]`;
  let source = pattern;
  if (separator === "/" && source.startsWith("./")) source = source.slice(2);
  let out = "";
  let depth = 0; // open `{` groups
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    const atSegmentStart = i === 0 || source[i - 1] === separator;
    if (ch === "\\") {
      if (i + 1 >= source.length) throw new GlobError(`pattern "${pattern}" ends with an escape`);
      out += escapeRegExp(source[++i]!);
    } else if (ch === "*") {
      if (source[i + 1] === "*" && atSegmentStart && (i + 2 === source.length || source[i + 2] === separator)) {
        // `**` as a whole segment: zero or more segments (with their separators).
        if (i + 2 === source.length) {
          out += ".*";
          i += 1;
        } else {
          out += `(?:.*${sep})?`;
          i += 2;
        }
      } else {
        while (source[i + 1] === "*") i++; // `**` inside a segment is `*`
        out += `${notSep}*`;
      }
    } else if (ch === "?") {
      out += notSep;
    } else if (ch === "[") {
      const end = source.indexOf("]", i + 2);
      if (end === -1) throw new GlobError(`pattern "${pattern}" has an unclosed [`);
      let body = source.slice(i + 1, end);
      const negated = body.startsWith("!");
      if (negated) body = body.slice(1);
      const cls = [...body].map((c) => (c === "-" ? "-" : escapeRegExp(c))).join("");
      out += negated ? `(?:(?!${sep})[^${cls}])` : `[${cls}]`;
      i = end;
    } else if (ch === "{") {
      depth++;
      out += "(?:";
    } else if (ch === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (ch === "," && depth > 0) {
      out += "|";
    } else {
      out += escapeRegExp(ch);
    }
  }
  if (depth > 0) throw new GlobError(`pattern "${pattern}" has an unclosed {`);
  try {
    return new RegExp(`^${out}$`, "s");
  } catch {
    throw new GlobError(`pattern "${pattern}" has a character range out of order`);
  }
}

/** A set of globs; matches when any does. */
export class GlobSet {
  private readonly regexes: RegExp[];
  constructor(
    readonly patterns: readonly string[],
    separator: "/" | ".",
  ) {
    this.regexes = patterns.map((p) => compileGlob(p, separator));
  }
  get empty(): boolean {
    return this.regexes.length === 0;
  }
  matches(subject: string): boolean {
    return this.regexes.some((r) => r.test(subject));
  }
}
