import type { NodePath, types as t } from "@babel/core";
import type { ObjectiveSpec } from "./options";

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
 * A `var` in the body that redeclares a parameter would, once the body is in
 * an arrow, declare a new variable instead: make it an assignment to the
 * parameter (or drop it when it has no initialiser).
 */
function keepParameterRedeclarations(types: Types, path: NodePath<t.Function>): void {
  for (const binding of Object.values(path.scope.bindings)) {
    if (binding.kind !== "param") continue;
    for (const violation of binding.constantViolations) {
      if (!violation.isVariableDeclarator() || !violation.parentPath) continue;
      const declaration = violation.parentPath as NodePath<t.VariableDeclaration>;
      if (declaration.node.kind !== "var" || violation.node.id.type !== "Identifier") continue;
      const name = violation.node.id.name;
      const init = violation.node.init;
      const holder = declaration.parentPath;
      if (holder?.isForXStatement() && holder.node.left === declaration.node) {
        if (declaration.node.declarations.length === 1) declaration.replaceWith(types.identifier(name));
      } else if (holder?.isForStatement()) {
        // `for (var a = 0, i = 0; …)`: the head becomes assignments, and the other
        // names are declared just before the loop (a `var` is function-wide anyway).
        const others = declaration.node.declarations.filter((d) => d !== violation.node);
        const assignments = declaration.node.declarations
          .filter((d) => d.init)
          .map((d) => types.assignmentExpression("=", types.cloneNode(d.id as t.LVal), d.init!));
        if (others.length > 0) {
          holder.insertBefore(types.variableDeclaration("var", others.map((d) => types.variableDeclarator(types.cloneNode(d.id)))));
        }
        if (assignments.length === 0) declaration.remove();
        else declaration.replaceWith(assignments.length === 1 ? assignments[0]! : types.sequenceExpression(assignments));
      } else if (Array.isArray(declaration.container)) {
        // Split the statement around this declarator, keeping evaluation order.
        const before = declaration.node.declarations.slice(0, declaration.node.declarations.indexOf(violation.node));
        const after = declaration.node.declarations.slice(before.length + 1);
        const statements: t.Statement[] = [];
        if (before.length > 0) statements.push(types.variableDeclaration("var", before));
        if (init) statements.push(types.expressionStatement(types.assignmentExpression("=", types.identifier(name), init)));
        if (after.length > 0) statements.push(types.variableDeclaration("var", after));
        if (statements.length === 0) declaration.remove();
        else declaration.replaceWithMultiple(statements);
      }
    }
  }
}

/**
 * Rewrites a function so its body runs through its handle
 * (docs/transform.md, "The function"). Parameters, directives, name, kind and
 * the function object itself stay as they are.
 */
export function wrapFunction(types: Types, path: NodePath<t.Function>, handle: HandleRef, uid: (name: string) => t.Identifier): void {
  keepParameterRedeclarations(types, path);
  const node = path.node;
  const original = node.body;
  const innerBody: t.BlockStatement | t.Expression =
    original.type === "BlockStatement" ? types.blockStatement(original.body) : original;
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

  const call = uid("call");
  const error = uid("error");
  const enter = method(types, types.cloneNode(handle.id), "enter", [types.arrowFunctionExpression([], innerBody, true)]);
  node.body = types.blockStatement(
    [
      types.variableDeclaration("var", [types.variableDeclarator(call, method(types, lazyHandle(types, handle), "begin", []))]),
      types.tryStatement(
        types.blockStatement([
          types.returnStatement(
            method(types, types.cloneNode(handle.id), "end", [types.cloneNode(call), types.awaitExpression(enter)]),
          ),
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
