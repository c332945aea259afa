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
 * an arrow, declare a new variable instead. Every `var` statement that names a
 * parameter therefore becomes assignments, in order, and the other names it
 * declares are declared just before it (a `var` is function-wide either way).
 */
function keepParameterRedeclarations(types: Types, path: NodePath<t.Function>): void {
  const params = new Set<string>();
  const declarations = new Set<NodePath<t.VariableDeclaration>>();
  for (const [name, binding] of Object.entries(path.scope.bindings)) {
    if (binding.kind !== "param") continue;
    params.add(name);
    for (const violation of binding.constantViolations) {
      if (violation.isVariableDeclarator() && violation.parentPath?.isVariableDeclaration({ kind: "var" })) {
        declarations.add(violation.parentPath as NodePath<t.VariableDeclaration>);
      }
    }
  }
  for (const declaration of declarations) {
    const declarators = declaration.node.declarations;
    const others = declarators
      .flatMap((d) => Object.keys(types.getBindingIdentifiers(d.id)))
      .filter((name) => !params.has(name));
    const hoisted = others.length > 0 ? types.variableDeclaration("var", others.map((n) => types.variableDeclarator(types.identifier(n)))) : null;
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
