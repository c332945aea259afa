import type { NodePath, types as t } from "@babel/core";
import { declarationsNeedFunctionScope, hasLexicalDeclarations } from "./declarations";
import { bare } from "./labels";
import type { ObjectiveSpec } from "./options";

/** An `await` of a function's own, and where it stands, for the rewrite. */
export interface AwaitSite {
  node: t.AwaitExpression;
  container: Record<string | number, unknown>;
  key: string | number;
}

/** What the selecting walk learns about a function's own code (not its nested functions'). */
export interface FunctionFacts {
  /** It can register asynchronous continuations itself (docs/transform.md, "Callers across asynchronous boundaries"). */
  scoped: boolean;
  returns: t.ReturnStatement[];
  /** Its own `await`s, outermost first. */
  awaits: AwaitSite[];
  /** The `catch` and `finally` blocks of its own that an `await` can throw into. */
  resumes: Set<t.BlockStatement>;
  /** It awaits where no call can go: `for await`, `await using`. */
  unpausable: boolean;
}

type Types = typeof t;

/** What a rewritten function needs to reach its handle. */
export interface HandleRef {
  /** The module-level variable holding the handle. */
  id: t.Identifier;
  /** Builds `_instrument("label", "module", {…})`, a fresh node per use. */
  register: () => t.CallExpression;
}

export function registration(
  types: Types,
  instrument: t.Identifier,
  label: string,
  module: string,
  objective: ObjectiveSpec | undefined,
  trackConcurrency: boolean,
): () => t.CallExpression {
  const extra: Record<string, unknown> = {};
  if (objective !== undefined) extra.objective = objective;
  if (trackConcurrency) extra.trackConcurrency = true;
  const hasExtra = Object.keys(extra).length > 0;
  return () =>
    types.callExpression(types.cloneNode(instrument), [
      types.stringLiteral(label),
      types.stringLiteral(module),
      ...(hasExtra ? [types.valueToNode(extra) as t.Expression] : []),
    ]);
}

/** `(h || (h = _instrument(…)))`: works even when a hoisted function runs before its module's body. */
function lazyHandle(types: Types, handle: HandleRef): t.Expression {
  return types.logicalExpression(
    "||",
    types.cloneNode(handle.id),
    types.assignmentExpression("=", types.cloneNode(handle.id), handle.register()),
  );
}

function method(types: Types, object: t.Expression, name: string, args: t.Expression[]): t.CallExpression {
  return types.callExpression(types.memberExpression(object, types.identifier(name)), args);
}

/**
 * A `var` in the body that redeclares a parameter (or `arguments`) would, once
 * the body is in an arrow, declare a new variable instead. Every `var` statement that names a
 * parameter therefore becomes assignments, in order, and the other names it
 * declares are declared just before it (a `var` is function-wide either way).
 */
function keepParameterRedeclarations(types: Types, path: NodePath<t.Function>): void {
  const params = new Set<string>();
  const declarations = new Set<NodePath<t.VariableDeclaration>>();
  for (const [name, binding] of Object.entries(path.scope.bindings)) {
    if (binding.kind !== "param" && name !== "arguments") continue;
    params.add(name);
    // A `var arguments` is the binding itself; a parameter's `var`s are reassignments of it.
    for (const violation of name === "arguments" ? [binding.path, ...binding.constantViolations] : binding.constantViolations) {
      if (violation.isVariableDeclarator() && violation.parentPath?.isVariableDeclaration({ kind: "var" })) {
        declarations.add(violation.parentPath as NodePath<t.VariableDeclaration>);
      }
    }
  }
  for (const declaration of declarations) {
    const declarators = declaration.node.declarations;
    const others = declarators.flatMap((d) => Object.keys(types.getBindingIdentifiers(d.id))).filter((name) => !params.has(name));
    const hoisted =
      others.length > 0
        ? types.variableDeclaration(
            "var",
            others.map((n) => types.variableDeclarator(types.identifier(n))),
          )
        : null;
    const assignments = declarators.filter((d) => d.init).map((d) => types.assignmentExpression("=", d.id as t.LVal, d.init!));
    const holder = declaration.parentPath;
    if (holder.isForXStatement() && holder.node.left === declaration.node) {
      if (hoisted) holder.insertBefore(hoisted);
      declaration.replaceWith(declarators[0]!.id as t.LVal);
    } else if (holder.isForStatement() && holder.node.init === declaration.node) {
      if (hoisted) holder.insertBefore(hoisted);
      if (assignments.length === 0) declaration.remove();
      else declaration.replaceWith(assignments.length === 1 ? assignments[0]! : types.sequenceExpression(assignments));
    } else {
      const statements: t.Statement[] = [...(hoisted ? [hoisted] : []), ...assignments.map((a) => types.expressionStatement(a))];
      if (Array.isArray(declaration.container)) {
        if (statements.length === 0) declaration.remove();
        else declaration.replaceWithMultiple(statements);
      } else {
        // The only statement of an `if` or a loop body.
        declaration.replaceWith(statements.length === 1 ? statements[0]! : types.blockStatement(statements));
      }
    }
  }
}

/** The generated locals of a rewritten function, its own (docs/transform.md, "Generated names"). */
export interface Locals {
  /** The call's slot (`enter`) or record (`begin`). */
  call: () => t.Identifier;
  /** The value the body returned. */
  result: () => t.Identifier;
  /** The thrown value, in the `catch` clause. */
  error: () => t.Identifier;
}

/**
 * `(0, x)` for an anonymous function, arrow or class: assigned to `_r` as it
 * is, it would take the name `_r` (and a second run would label it so).
 */
function unnamed(types: Types, value: t.Expression): t.Expression {
  const inner = bare(value);
  const anonymous =
    inner.type === "ArrowFunctionExpression" ||
    ((inner.type === "FunctionExpression" || inner.type === "ClassExpression") && inner.id == null);
  return anonymous ? types.sequenceExpression([types.numericLiteral(0), value]) : value;
}

/** The names a function's parameters bind. */
function paramNames(types: Types, node: t.Function): string[] {
  return node.params.flatMap((p) => Object.keys(types.getBindingIdentifiers(p.type === "TSParameterProperty" ? p.parameter : p)));
}

/** Whether the body declares anything Babel's scope of the function holds that a block would hold instead. */
function declaresLexically(body: t.BlockStatement): boolean {
  return hasLexicalDeclarations(body) || body.body.some((s) => s.type === "FunctionDeclaration");
}

/**
 * Rewrites a function so its calls are timed through its handle
 * (docs/transform.md, "The function"). Parameters, directives, name, kind and
 * the function object itself stay as they are.
 */
export function wrapFunction(
  types: Types,
  node: t.Function,
  path: () => NodePath<t.Function>,
  handle: HandleRef,
  locals: Locals,
  facts: FunctionFacts,
): void {
  const hoist = node.body.type === "BlockStatement" && declarationsNeedFunctionScope(types, node.body, () => paramNames(types, node));
  const pausable = !node.async || !(facts.scoped || facts.unpausable);
  if (!pausable || (hoist && hasLexicalDeclarations(node.body as t.BlockStatement))) {
    wrapInArrow(types, path(), handle, locals);
    return;
  }
  if (node.async) {
    // Inner awaits first: an outer one's argument then holds the inner one's new node.
    for (let i = facts.awaits.length - 1; i >= 0; i--) {
      const { node: awaited, container, key } = facts.awaits[i]!;
      awaited.argument = method(types, locals.call(), "pause", [awaited.argument]);
      container[key] = method(types, locals.call(), "resume", [awaited]);
    }
    for (const block of facts.resumes) block.body.unshift(types.expressionStatement(method(types, locals.call(), "resume", [])));
  }
  for (const r of facts.returns) {
    if (r.argument != null) r.argument = types.assignmentExpression("=", locals.result(), unnamed(types, r.argument));
  }
  const original = node.body;
  let block: t.BlockStatement;
  let directives: t.Directive[] = [];
  const declarations: t.Statement[] = [];
  if (original.type === "BlockStatement") {
    // Function declarations that need the function's scope stay in it, all of
    // them, so they still see one another (the body declares no `let`,
    // `const` or `class` they could close over).
    const statements = hoist
      ? original.body.filter((s) => s.type !== "FunctionDeclaration" || (declarations.push(s), false))
      : original.body;
    block = types.blockStatement(statements);
    // Keep the original block's location on the moved block, for source maps.
    block.loc = original.loc;
    block.start = original.start;
    block.end = original.end;
    directives = original.directives;
    // Lexical declarations of the body now belong to the block, whose scope
    // Babel builds when it gets there; parameters and `var`s stay.
    const bindings = declaresLexically(original) ? path().scope.bindings : {};
    for (const [name, binding] of Object.entries(bindings)) {
      if (binding.kind === "param" || binding.kind === "local" || binding.kind === "var") continue;
      if (hoist && binding.kind === "hoisted") continue;
      delete bindings[name];
    }
  } else {
    block = types.blockStatement([types.returnStatement(types.assignmentExpression("=", locals.result(), unnamed(types, original)))]);
    if (node.type === "ArrowFunctionExpression") node.expression = false;
  }
  const start = node.async ? "start" : facts.scoped ? "enterScoped" : "enter";
  const declarators = [
    types.variableDeclarator(locals.call(), method(types, lazyHandle(types, handle), start, [])),
    types.variableDeclarator(locals.result()),
  ];
  const error = locals.error();
  // The body threw: `_c = ~_c` (a slot) or `_c.failed = true` (an async call), and
  // `_r = _e` for the runtime to judge it; no call that could throw instead.
  const failed = node.async
    ? types.assignmentExpression("=", types.memberExpression(locals.call(), types.identifier("failed")), types.booleanLiteral(true))
    : types.assignmentExpression("=", locals.call(), types.unaryExpression("~", locals.call()));
  const thrown = types.assignmentExpression("=", locals.result(), types.cloneNode(error));
  const exit = node.async
    ? method(types, locals.call(), "end", [locals.result()])
    : method(types, types.cloneNode(handle.id), "exit", [locals.call(), locals.result()]);
  node.body = types.blockStatement(
    [
      ...declarations,
      types.variableDeclaration("var", declarators),
      types.tryStatement(
        block,
        types.catchClause(
          error,
          types.blockStatement([
            types.expressionStatement(failed),
            types.expressionStatement(thrown),
            types.throwStatement(types.cloneNode(error)),
          ]),
        ),
        types.blockStatement([types.expressionStatement(exit)]),
      ),
    ],
    directives,
  );
}

/**
 * The body moved into an arrow run by the handle: scoped `async` functions,
 * whose asynchronous context AsyncLocalStorage can only set around a call,
 * those that await where no call can go (`for await`, `await using`), and
 * bodies whose function declarations can neither go into a block nor leave
 * their `let`, `const` and `class` declarations.
 */
function wrapInArrow(types: Types, path: NodePath<t.Function>, handle: HandleRef, locals: Locals): void {
  keepParameterRedeclarations(types, path);
  const node = path.node;
  const original = node.body;
  const innerBody: t.BlockStatement | t.Expression = original.type === "BlockStatement" ? types.blockStatement(original.body) : original;
  const directives = original.type === "BlockStatement" ? original.directives : [];
  if (original.type === "BlockStatement") {
    // Keep the original block's location on the moved block, for source maps.
    innerBody.loc = original.loc;
    innerBody.start = original.start;
    innerBody.end = original.end;
  }

  // The body's own bindings now belong to the arrow, whose scope Babel builds
  // when it gets there; the function keeps its parameters and its own name.
  if (original.type === "BlockStatement") {
    for (const [name, binding] of Object.entries(path.scope.bindings)) {
      if (binding.kind !== "param" && binding.kind !== "local") delete path.scope.bindings[name];
    }
  }

  if (!node.async) {
    const run = method(types, lazyHandle(types, handle), "run", [types.arrowFunctionExpression([], innerBody)]);
    if (node.type === "ArrowFunctionExpression" && original.type !== "BlockStatement") node.body = run;
    else node.body = types.blockStatement([types.returnStatement(run)], directives);
    return;
  }

  const call = locals.call();
  const error = locals.error();
  const scope = method(types, types.cloneNode(handle.id), "scope", [types.arrowFunctionExpression([], innerBody, true)]);
  node.body = types.blockStatement(
    [
      types.variableDeclaration("var", [types.variableDeclarator(call, method(types, lazyHandle(types, handle), "begin", []))]),
      types.tryStatement(
        types.blockStatement([
          types.returnStatement(method(types, types.cloneNode(handle.id), "end", [types.cloneNode(call), types.awaitExpression(scope)])),
        ]),
        types.catchClause(
          error,
          types.blockStatement([
            types.throwStatement(method(types, types.cloneNode(handle.id), "fail", [types.cloneNode(call), types.cloneNode(error)])),
          ]),
        ),
      ),
    ],
    directives,
  );
}

function isLazyHandle(node: t.Node): boolean {
  // `(h || (h = instrument(…)))`
  return (
    node.type === "LogicalExpression" &&
    node.operator === "||" &&
    node.left.type === "Identifier" &&
    node.right.type === "AssignmentExpression" &&
    node.right.left.type === "Identifier" &&
    node.right.left.name === node.left.name &&
    node.right.right.type === "CallExpression"
  );
}

function isHandleCall(node: t.Node | null | undefined, methods: readonly string[]): boolean {
  return (
    node?.type === "CallExpression" &&
    node.callee.type === "MemberExpression" &&
    !node.callee.computed &&
    node.callee.property.type === "Identifier" &&
    methods.includes(node.callee.property.name) &&
    isLazyHandle(node.callee.object)
  );
}

/** What the first statement of a try-shaped body starts the call with. */
const STARTS = ["enter", "enterScoped", "start", "begin"];

/** Idempotence (docs/transform.md): true when the function already has a shape the plugins produce (docs/transform.md, Idempotence). */
export function isInstrumented(node: t.Function): boolean {
  const body = node.body;
  if (body.type !== "BlockStatement") return isHandleCall(body, ["run"]);
  if (body.body.length === 1 && body.body[0]!.type === "ReturnStatement") return isHandleCall(body.body[0]!.argument, ["run"]);
  // Function declarations kept in the function's scope come first.
  let at = 0;
  while (body.body[at]?.type === "FunctionDeclaration") at++;
  const [first, second] = body.body.slice(at);
  return (
    body.body.length === at + 2 &&
    first?.type === "VariableDeclaration" &&
    isHandleCall(first.declarations[0]?.init, STARTS) &&
    second?.type === "TryStatement"
  );
}
