/**
 * The glob dialect of docs/transform.md. Both plugins implement it themselves
 * (not through a library) so they cannot disagree, with the same algorithm: a
 * pattern becomes a small automaton (swc-plugin-wasm/transform/src/glob.rs),
 * matched in one pass over the subject, never backtracking, so the time is
 * linear in the subject whatever the pattern. Both read the pattern and the
 * subject as UTF-16 code units.
 *
 * - `*` is any run of non-separators, `?` one non-separator;
 * - `**` as a whole segment is zero or more segments;
 * - `[abc]`, `[a-z]`, `[!a-z]` (which never matches the separator);
 * - `{a,b}` alternatives, nesting;
 * - `\` escapes the next character, a leading `./` is ignored (file globs).
 *
 * `separator` is "/" for file globs and "." for function names.
 */
export class GlobError extends Error {}

type Node =
  | { kind: "unit"; unit: number }
  | { kind: "notSep" }
  | { kind: "notSepRun" }
  | { kind: "anyRun" }
  | { kind: "segments" }
  | { kind: "class"; ranges: [number, number][]; negated: boolean }
  | { kind: "alt"; alternatives: Node[][] };

// The automaton's instructions: what a character must be, or where to go without reading one.
const UNIT = 0;
const NOT_SEP = 1;
const ANY = 2;
const CLASS = 3;
const SPLIT = 4;
const JUMP = 5;
const MATCH = 6;

/** The ranges of a class body, each character literal but `-` between two: null when a range is out of order. */
function classRanges(body: number[]): [number, number][] | null {
  const dash = 45; // "-"
  const ranges: [number, number][] = [];
  for (let i = 0; i < body.length; ) {
    const first = body[i]!;
    if (i + 2 < body.length && body[i + 1] === dash) {
      const last = body[i + 2]!;
      if (first > last) return null;
      ranges.push([first, last]);
      i += 3;
    } else {
      ranges.push([first, first]);
      i += 1;
    }
  }
  return ranges;
}

function units(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

/** One compiled pattern. */
export class Glob {
  private readonly op: number[] = [];
  /** The instruction's argument: the code unit, the class, or the first target. */
  private readonly x: number[] = [];
  /** A split's second target. */
  private readonly y: number[] = [];
  private readonly classes: { ranges: [number, number][]; negated: boolean }[] = [];
  /** Instructions visited by the last `test`, at most its length × the program's: how the tests see it stay linear. */
  steps = 0;

  constructor(
    readonly pattern: string,
    private readonly sep: number,
    nodes: Node[],
  ) {
    this.emitSeq(nodes);
    this.push(MATCH);
  }

  /** How many instructions the automaton has. */
  get size(): number {
    return this.op.length;
  }

  private push(op: number, x = 0, y = 0): number {
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    return this.op.length - 1;
  }

  private emitSeq(nodes: Node[]): void {
    for (const node of nodes) this.emit(node);
  }

  private emitStar(test: number): void {
    const split = this.push(SPLIT, 0, 0);
    this.push(test);
    this.push(JUMP, split);
    this.x[split] = split + 1;
    this.y[split] = this.op.length;
  }

  private emit(node: Node): void {
    switch (node.kind) {
      case "unit":
        this.push(UNIT, node.unit);
        break;
      case "notSep":
        this.push(NOT_SEP);
        break;
      case "notSepRun":
        this.emitStar(NOT_SEP);
        break;
      case "anyRun":
        this.emitStar(ANY);
        break;
      case "segments": {
        const split = this.push(SPLIT, 0, 0);
        this.emitStar(ANY);
        this.push(UNIT, this.sep);
        this.x[split] = split + 1;
        this.y[split] = this.op.length;
        break;
      }
      case "class":
        this.classes.push({ ranges: node.ranges, negated: node.negated });
        this.push(CLASS, this.classes.length - 1);
        break;
      case "alt": {
        const jumps: number[] = [];
        node.alternatives.forEach((alternative, k) => {
          const last = k + 1 === node.alternatives.length;
          const split = last ? -1 : this.push(SPLIT, 0, 0);
          this.emitSeq(alternative);
          if (!last) {
            jumps.push(this.push(JUMP, 0));
            this.x[split] = split + 1;
            this.y[split] = this.op.length;
          }
        });
        for (const j of jumps) this.x[j] = this.op.length;
      }
    }
  }

  private accepts(pc: number, c: number): boolean {
    switch (this.op[pc]) {
      case UNIT:
        return this.x[pc] === c;
      case NOT_SEP:
        return c !== this.sep;
      case ANY:
        return true;
      default: {
        const { ranges, negated } = this.classes[this.x[pc]!]!;
        const inside = ranges.some(([lo, hi]) => lo <= c && c <= hi);
        return negated ? c !== this.sep && !inside : inside;
      }
    }
  }

  /** Adds `pc`, and what it reaches without reading, to `set`. */
  private close(pc: number, set: number[], seen: Uint8Array): void {
    const stack = [pc];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (seen[at]) continue;
      seen[at] = 1;
      this.steps++;
      const op = this.op[at];
      if (op === SPLIT) stack.push(this.y[at]!, this.x[at]!);
      else if (op === JUMP) stack.push(this.x[at]!);
      else set.push(at);
    }
  }

  /** Whether the whole of `subject` matches. */
  test(subject: string): boolean {
    this.steps = 0;
    const seen = new Uint8Array(this.op.length);
    let current: number[] = [];
    let next: number[] = [];
    this.close(0, current, seen);
    for (let i = 0; i < subject.length; i++) {
      const c = subject.charCodeAt(i);
      next.length = 0;
      seen.fill(0);
      for (const pc of current) {
        if (this.op[pc] !== MATCH && this.accepts(pc, c)) this.close(pc + 1, next, seen);
      }
      if (next.length === 0) return false;
      [current, next] = [next, current];
    }
    return current.some((pc) => this.op[pc] === MATCH);
  }
}

export function compileGlob(pattern: string, separator: "/" | "."): Glob {
  if (pattern === "") throw new GlobError("empty pattern");
  const sep = separator.charCodeAt(0);
  const source = units(separator === "/" && pattern.startsWith("./") ? pattern.slice(2) : pattern);
  const stack: { alternatives: Node[][]; current: Node[] }[] = [{ alternatives: [], current: [] }];
  let rangeError = false;
  const star = 42; // "*"
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    const atSegmentStart = i === 0 || source[i - 1] === sep;
    const depth = stack.length - 1;
    const frame = stack[stack.length - 1]!;
    if (ch === 92 /* \ */) {
      if (i + 1 >= source.length) throw new GlobError(`pattern "${pattern}" ends with an escape`);
      frame.current.push({ kind: "unit", unit: source[++i]! });
    } else if (ch === star) {
      if (source[i + 1] === star && atSegmentStart && (i + 2 === source.length || source[i + 2] === sep)) {
        if (i + 2 === source.length) {
          frame.current.push({ kind: "anyRun" });
          i += 1;
        } else {
          frame.current.push({ kind: "segments" });
          i += 2;
        }
      } else {
        while (source[i + 1] === star) i++; // `**` inside a segment is `*`
        frame.current.push({ kind: "notSepRun" });
      }
    } else if (ch === 63 /* ? */) {
      frame.current.push({ kind: "notSep" });
    } else if (ch === 91 /* [ */) {
      let end = -1;
      for (let j = i + 2; j < source.length; j++) {
        if (source[j] === 93 /* ] */) {
          end = j;
          break;
        }
      }
      if (end === -1) throw new GlobError(`pattern "${pattern}" has an unclosed [`);
      let body = source.slice(i + 1, end);
      const negated = body[0] === 33; /* ! */
      if (negated) body = body.slice(1);
      const ranges = classRanges(body);
      if (ranges === null) rangeError = true;
      frame.current.push({ kind: "class", ranges: ranges ?? [], negated });
      i = end;
    } else if (ch === 123 /* { */) {
      stack.push({ alternatives: [], current: [] });
    } else if (ch === 125 /* } */ && depth > 0) {
      const group = stack.pop()!;
      group.alternatives.push(group.current);
      stack[stack.length - 1]!.current.push({ kind: "alt", alternatives: group.alternatives });
    } else if (ch === 44 /* , */ && depth > 0) {
      frame.alternatives.push(frame.current);
      frame.current = [];
    } else {
      frame.current.push({ kind: "unit", unit: ch });
    }
  }
  if (stack.length > 1) throw new GlobError(`pattern "${pattern}" has an unclosed {`);
  if (rangeError) throw new GlobError(`pattern "${pattern}" has a character range out of order`);
  return new Glob(pattern, sep, stack[0]!.current);
}

/** A set of globs; matches when any does. */
export class GlobSet {
  private readonly globs: Glob[];
  constructor(
    readonly patterns: readonly string[],
    separator: "/" | ".",
  ) {
    this.globs = patterns.map((p) => compileGlob(p, separator));
  }
  get empty(): boolean {
    return this.globs.length === 0;
  }
  matches(subject: string): boolean {
    return this.globs.some((g) => g.test(subject));
  }
}
