import type { types as t } from "@babel/core";

export type Directive = "use" | "no" | null;

/** `"use autometrics"` / `"use no autometrics"` among directives, or null. */
export function directiveOf(directives: readonly t.Directive[] | undefined): Directive {
  if (directives === undefined) return null;
  let found: Directive = null;
  for (const d of directives) {
    if (d.value.value === "use no autometrics") return "no";
    if (d.value.value === "use autometrics") found = "use";
  }
  return found;
}

/**
 * Removes `"use autometrics"`, keeping every other directive in place.
 * `"use no autometrics"` stays: a later run over the output must still see it.
 */
export function dropDirectives(directives: t.Directive[] | undefined): void {
  if (directives === undefined) return;
  for (let i = directives.length - 1; i >= 0; i--) {
    if (directives[i]!.value.value === "use autometrics") directives.splice(i, 1);
  }
}

/** Functions left alone unless their own directive asks: constructors, accessors. */
export function onRequestOnly(node: t.Function): boolean {
  return (node.type === "ClassMethod" || node.type === "ClassPrivateMethod" || node.type === "ObjectMethod") && node.kind !== "method";
}

/** Directives of a function's body (arrows with an expression body have none). */
export function functionDirectives(node: t.Function): t.Directive[] | undefined {
  return node.body.type === "BlockStatement" ? node.body.directives : undefined;
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

/** True when the function already has a shape the plugins produce (docs/transform.md, Idempotence). */
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
