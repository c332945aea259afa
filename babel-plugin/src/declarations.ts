import type { types as t } from "@babel/core";

/**
 * Whether a body's own function declarations must stay at the top level of
 * the function (docs/transform.md, "The function"): in a block, a function
 * declaration is lexical, so one that shares its name with a parameter,
 * `arguments`, a `var` of the function or another of these declarations
 * would be an error or a different binding there.
 */
export function declarationsNeedFunctionScope(types: typeof t, body: t.BlockStatement, params: () => Iterable<string>): boolean {
  const functions = body.body.filter((s): s is t.FunctionDeclaration => s.type === "FunctionDeclaration");
  if (functions.length === 0) return false;
  const names = new Set(params());
  names.add("arguments");
  varNames(types, body.body, names);
  for (const f of functions) {
    const name = f.id!.name;
    if (names.has(name)) return true;
    names.add(name);
  }
  return false;
}

/** The names `var` statements declare among `statements`, not counting nested functions. */
function varNames(types: typeof t, statements: readonly t.Statement[], into: Set<string>): void {
  for (const s of statements) varNamesOf(types, s, into);
}

function declare(types: typeof t, d: t.Node | null | undefined, into: Set<string>): void {
  if (d?.type !== "VariableDeclaration" || d.kind !== "var") return;
  for (const declarator of d.declarations) for (const name of Object.keys(types.getBindingIdentifiers(declarator.id))) into.add(name);
}

function varNamesOf(types: typeof t, s: t.Statement | null | undefined, into: Set<string>): void {
  if (s == null) return;
  switch (s.type) {
    case "VariableDeclaration":
      return declare(types, s, into);
    case "BlockStatement":
      return varNames(types, s.body, into);
    case "IfStatement":
      varNamesOf(types, s.consequent, into);
      return varNamesOf(types, s.alternate, into);
    case "WhileStatement":
    case "DoWhileStatement":
    case "WithStatement":
    case "LabeledStatement":
      return varNamesOf(types, s.body, into);
    case "ForStatement":
      declare(types, s.init, into);
      return varNamesOf(types, s.body, into);
    case "ForInStatement":
    case "ForOfStatement":
      declare(types, s.left, into);
      return varNamesOf(types, s.body, into);
    case "TryStatement":
      varNames(types, s.block.body, into);
      if (s.handler) varNames(types, s.handler.body.body, into);
      if (s.finalizer) varNames(types, s.finalizer.body, into);
      return;
    case "SwitchStatement":
      for (const c of s.cases) varNames(types, c.consequent, into);
      return;
    default:
      return;
  }
}

/** Whether the body declares `let`, `const` or `class` at its top level (which its function declarations may close over). */
export function hasLexicalDeclarations(body: t.BlockStatement): boolean {
  return body.body.some((s) => s.type === "ClassDeclaration" || (s.type === "VariableDeclaration" && s.kind !== "var"));
}
