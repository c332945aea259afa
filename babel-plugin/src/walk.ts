import type { types as t } from "@babel/core";
import { schedules } from "./continuations";
import { type Directive, type SourceDirective, directiveOf, functionDirectives } from "./directives";
import { type Ancestry, labelOf } from "./labels";
import { type FunctionFacts, isInstrumented } from "./wrap";

/** Functions left alone unless their own directive asks: constructors, accessors. */
function onRequestOnly(node: t.Function): boolean {
  return (node.type === "ClassMethod" || node.type === "ClassPrivateMethod" || node.type === "ObjectMethod") && node.kind !== "method";
}

export interface Selected {
  node: t.Function;
  label: string;
  facts: FunctionFacts;
  /** Where it is, for `program.get(…)`: "body.3.declarations.0.init". */
  at: string;
  /** Its own directive's fields, when it has some. */
  source?: SourceDirective;
}

/** A directive with fields, and the function it is in (its label, `anonymous` when it has none). */
export interface Declared {
  source: SourceDirective;
  label: string;
}

export interface Walked {
  selected: Selected[];
  /** Functions with an autometrics directive of their own. */
  withDirective: t.Function[];
  /** The directives with fields of functions, in source order. */
  declared: Declared[];
  usesImportMeta: boolean;
}

/**
 * One walk over the nodes of a program (no NodePath, no scope: Babel's own
 * traversal builds those again for what this plugin writes) that decides
 * which functions are instrumented, under which labels, and learns what their
 * rewrite needs (docs/transform.md, "Selection", "Eligible functions").
 */
export function walkProgram(
  types: typeof t,
  program: t.Program,
  moduleDirective: Directive | null,
  selectsByConfig: (label: string) => boolean,
): Walked {
  const keys = types.VISITOR_KEYS;
  const out: Walked = { selected: [], withDirective: [], declared: [], usesImportMeta: false };
  // The nodes from the program down to the current one, and how each is held.
  const ancestors: t.Node[] = [];
  const holders: { key: string; index: number | null }[] = [];
  // The functions enclosing the current node, innermost last, and where each sits in `ancestors`.
  const functions: { facts: FunctionFacts; depth: number }[] = [];

  const own = () => functions[functions.length - 1]?.facts;
  const nestedInOwn = () => {
    const facts = own();
    if (facts !== undefined) facts.scoped = true;
  };
  const ancestry = (i: number): Ancestry => ({
    node: ancestors[i]!,
    get parentPath() {
      return i > 0 ? ancestry(i - 1) : null;
    },
  });
  const at = (depth: number) => {
    let path = "";
    for (let i = 1; i <= depth; i++) {
      const { key, index } = holders[i]!;
      path += `${path === "" ? "" : "."}${key}${index === null ? "" : `.${index}`}`;
    }
    return path;
  };

  const enterFunction = (node: t.Function, depth: number) => {
    nestedInOwn();
    const facts: FunctionFacts = { scoped: false, returns: [], awaits: [], resumes: new Set(), unpausable: false };
    functions.push({ facts, depth });
    const directive = directiveOf(functionDirectives(node));
    const source = directive?.source;
    if (directive !== null) out.withDirective.push(node);
    if (source !== undefined) out.declared.push({ source, label: labelOf(ancestry(depth)) ?? "anonymous" });
    if (directive?.kind === "no" || node.generator || isInstrumented(node)) return;
    const label = labelOf(ancestry(depth));
    if (directive?.kind === "use") {
      out.selected.push({ node, label: label ?? "anonymous", facts, at: at(depth), source });
      return;
    }
    if (label === null || onRequestOnly(node) || moduleDirective?.kind === "no") return;
    if (moduleDirective?.kind === "use" || selectsByConfig(label)) out.selected.push({ node, label, facts, at: at(depth) });
  };

  const enterAwait = (node: t.AwaitExpression, depth: number) => {
    const enclosing = functions[functions.length - 1];
    if (enclosing === undefined) return;
    const parent = ancestors[depth - 1] as unknown as Record<string, unknown>;
    const { key, index } = holders[depth]!;
    const container = (index === null ? parent : parent[key]) as Record<string | number, unknown>;
    enclosing.facts.awaits.push({ node, container, key: index ?? key });
    // The `catch` and `finally` blocks a rejected await can land in.
    for (let i = depth - 1; i > enclosing.depth; i--) {
      const statement = ancestors[i]!;
      if (statement.type !== "TryStatement") continue;
      const part = holders[i + 1]!.key;
      if (part === "block" && statement.handler) enclosing.facts.resumes.add(statement.handler.body);
      if ((part === "block" || part === "handler") && statement.finalizer) enclosing.facts.resumes.add(statement.finalizer);
    }
  };

  const visit = (node: t.Node, key: string, index: number | null) => {
    const depth = ancestors.length;
    ancestors.push(node);
    holders.push({ key, index });
    const isFunction = types.isFunction(node);
    switch (node.type) {
      case "ClassDeclaration":
      case "ClassExpression":
        nestedInOwn();
        break;
      case "CallExpression":
      case "NewExpression":
      case "OptionalCallExpression":
        if (schedules(node.callee)) nestedInOwn();
        break;
      case "ReturnStatement":
        own()?.returns.push(node);
        break;
      case "AwaitExpression":
        enterAwait(node, depth);
        break;
      case "ForOfStatement":
        if (node.await) {
          const facts = own();
          if (facts !== undefined) facts.unpausable = true;
        }
        break;
      case "VariableDeclaration":
        if (node.kind === "await using") {
          const facts = own();
          if (facts !== undefined) facts.unpausable = true;
        }
        break;
      case "MetaProperty":
        if (node.meta.name === "import") out.usesImportMeta = true;
        break;
      default:
        if (isFunction) enterFunction(node as t.Function, depth);
    }
    for (const k of keys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[k];
      if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) {
          const c = child[i] as t.Node | null;
          if (c != null && typeof c.type === "string") visit(c, k, i);
        }
      } else if (child != null && typeof (child as t.Node).type === "string") {
        visit(child as t.Node, k, null);
      }
    }
    if (isFunction) functions.pop();
    ancestors.pop();
    holders.pop();
  };
  visit(program, "program", null);
  return out;
}
