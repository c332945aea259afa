import type * as TraceMapping from "@jridgewell/trace-mapping";
import type { Listed } from "./manifest";

/**
 * What the SWC plugin instrumented in a file, read back from its output (with
 * its inline source map), as the Babel plugin reports it in its metadata.
 * Each instrumented function reads its handle through `_instrument("label",
 * "module", { objective })` inside its own body (docs/transform.md, "The
 * function"), and keeps its source position, which the map takes back to its
 * line.
 */

interface Swc {
  parseSync(code: string, options: object): unknown;
}

// SWC's AST as @swc/core hands it to JavaScript: nodes with a `type` and a `span`.
type AstNode = { type?: string; span?: { start: number }; [key: string]: unknown };

const FUNCTIONS = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ClassMethod",
  "PrivateMethod",
  "Constructor",
  "MethodProperty",
  "GetterProperty",
  "SetterProperty",
]);

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

export function listedInOutput(swc: Swc, code: string, runtime: string): Listed[] {
  const ast = swc.parseSync(code, { syntax: "ecmascript", jsx: true, target: "esnext", isModule: "unknown" }) as AstNode;
  const instrument = instrumentBinding(ast, runtime);
  if (instrument === undefined) return [];
  const map = INLINE_MAP.exec(code)?.[1];
  const lines = originalLines(map === undefined ? undefined : Buffer.from(map, "base64").toString());
  // Spans count in UTF-8 bytes from where @swc/core's parse started (1, or further on in older releases).
  const bytes = Buffer.from(code);
  const base = (ast.span?.start ?? 0) - firstToken(code);
  const lineStarts = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lineStarts.push(i + 1);
  const position = (offset: number): [number, number] => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return [low, offset - lineStarts[low]!];
  };
  const found: Listed[] = [];
  const seen = new Set<AstNode>();
  const visit = (node: unknown, fn: AstNode | undefined): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, fn);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.type === "CallExpression" && fn !== undefined && !seen.has(fn) && isIdentifier(n.callee, instrument)) {
      seen.add(fn);
      const [label, module, extra] = (n.arguments as { expression: AstNode }[]).map((a) => literal(a.expression));
      // Columns in bytes: the map's own count only differs after non-ASCII text on the line, before the function.
      const [line, column] = position((fn.span?.start ?? base) - base);
      const listed: Listed = { function: String(label), module: String(module), line: lines(line, column) };
      const objective = (extra as { objective?: Listed["objective"] } | undefined)?.objective;
      if (objective !== undefined) listed.objective = objective;
      found.push(listed);
    }
    const inner = n.type !== undefined && FUNCTIONS.has(n.type) ? n : fn;
    for (const [key, value] of Object.entries(n)) if (key !== "span") visit(value, inner);
  };
  visit(ast.body, undefined);
  return found;
}

/**
 * The name the plugin gave the runtime's `instrument` in this run: the first
 * `import { instrument as _instrument }` or `require(…).instrument`, since it
 * puts its own before any other.
 */
function instrumentBinding(ast: AstNode, runtime: string): string | undefined {
  for (const item of ast.body as AstNode[]) {
    if (item.type === "ImportDeclaration" && (item.source as { value: string }).value === runtime) {
      for (const s of item.specifiers as AstNode[]) {
        const imported = (s.imported as { value: string } | null)?.value ?? (s.local as { value: string }).value;
        if (s.type === "ImportSpecifier" && imported === "instrument") return (s.local as { value: string }).value;
      }
    }
    if (item.type === "VariableDeclaration") {
      for (const d of item.declarations as AstNode[]) {
        const init = d.init as AstNode | undefined;
        if (init?.type !== "MemberExpression" || !isIdentifier(init.property, "instrument")) continue;
        const call = init.object as AstNode;
        const args = call.arguments as { expression: AstNode }[] | undefined;
        if (call.type === "CallExpression" && isIdentifier(call.callee, "require") && literal(args?.[0]?.expression) === runtime) {
          return (d.id as { value: string }).value;
        }
      }
    }
  }
  return undefined;
}

function isIdentifier(node: unknown, name: string): boolean {
  const n = node as AstNode | undefined;
  return n?.type === "Identifier" && n.value === name;
}

/** The value of what the plugin writes as data: strings, numbers, booleans, arrays and objects of them. */
function literal(node: AstNode | undefined): unknown {
  switch (node?.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
      return node.value;
    case "ArrayExpression":
      return (node.elements as { expression: AstNode }[]).map((e) => literal(e.expression));
    case "ObjectExpression":
      return Object.fromEntries(
        (node.properties as AstNode[]).map((p) => {
          const key = p.key as AstNode;
          return [String(key.value), literal(p.value as AstNode)];
        }),
      );
    default:
      return undefined;
  }
}

/** Where the first token is: the module's span starts there, after white space and comments. */
function firstToken(code: string): number {
  const skipped = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(code);
  return Buffer.byteLength(skipped?.[0] ?? "");
}

/**
 * The source line (1-based) of a generated line and column (0-based): the
 * map's last segment at or before the column, else the line's first; 0 with
 * no map or no segment on the line.
 */
function originalLines(map: string | undefined): (line: number, column: number) => number {
  if (map === undefined) return () => 0;
  // Loaded here: only listing reads maps, so the load hook's start-up never pays for it.
  const { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } =
    require("@jridgewell/trace-mapping") as typeof TraceMapping;
  const traced = new TraceMap(map);
  return (line, column) => {
    const at = (bias: typeof TraceMapping.GREATEST_LOWER_BOUND | typeof TraceMapping.LEAST_UPPER_BOUND) =>
      originalPositionFor(traced, { line: line + 1, column, bias }).line;
    return at(GREATEST_LOWER_BOUND) ?? at(LEAST_UPPER_BOUND) ?? 0;
  };
}
