import type { types as t } from "@babel/core";

/** A node and the chain of its ancestors: what labels are decided from (a NodePath is one). */
export interface Ancestry {
  node: t.Node;
  parentPath: Ancestry | null;
}

/**
 * Parentheses and type-only wrappers (TypeScript's `as`, `satisfies`, `!`,
 * `<T>x`; Flow's `(x: T)`): labels are read as if they were not there
 * (docs/transform.md), as a host that strips types before the plugin runs
 * (@swc/core) hands the code to the SWC plugin.
 */
export const TRANSPARENT = new Set([
  "ParenthesizedExpression",
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TypeCastExpression",
]);

/** An expression without the transparent wrappers around it. */
export function bare(node: t.Node): t.Node {
  let inner = node;
  while (TRANSPARENT.has(inner.type)) inner = (inner as t.ParenthesizedExpression).expression;
  return inner;
}

/** The nearest ancestor that is not a transparent wrapper (parentheses, type assertions). */
function meaningfulParent(path: Ancestry): Ancestry | null {
  let current: Ancestry | null = path.parentPath;
  while (current !== null && TRANSPARENT.has(current.node.type)) current = current.parentPath;
  return current;
}

/** A property key as a label segment, or null when it is not static. */
function keyName(node: t.Node, computed: boolean): string | null {
  const key = computed ? bare(node) : node;
  switch (key.type) {
    case "Identifier":
      return computed ? null : key.name;
    case "PrivateName":
      return `#${key.id.name}`;
    case "StringLiteral":
      return key.value;
    case "NumericLiteral":
      return String(key.value);
    case "TemplateLiteral":
      return computed && key.expressions.length === 0 ? (key.quasis[0]?.value.cooked ?? null) : null;
    default:
      return null;
  }
}

/** `a.b.c` for a static member chain; `exports.`/`module.exports.` and `this.` dropped, `.prototype.` collapsed. */
function memberName(node: t.Node): string | null {
  const parts: string[] = [];
  let current: t.Node = bare(node);
  while (current.type === "MemberExpression" || current.type === "OptionalMemberExpression") {
    const part = keyName(current.property, current.computed);
    if (part === null) return null;
    parts.unshift(part);
    current = bare(current.object);
  }
  if (current.type === "Identifier") parts.unshift(current.name);
  else if (current.type !== "ThisExpression") return null;
  if (parts[0] === "module" && parts[1] === "exports") parts.splice(0, 2);
  else if (parts[0] === "exports" && current.type === "Identifier") parts.splice(0, 1);
  const collapsed = parts.filter((p, i) => !(p === "prototype" && i > 0 && i < parts.length - 1));
  return collapsed.length === 0 ? "" : collapsed.join(".");
}

/** The name an expression in `path`'s position is bound to: a variable, an assignment target, `default`. */
function bindingName(path: Ancestry): string | null {
  const parent = meaningfulParent(path);
  if (parent === null) return null;
  const node = parent.node;
  switch (node.type) {
    case "VariableDeclarator":
      return node.id.type === "Identifier" ? node.id.name : null;
    case "AssignmentExpression": {
      const left = bare(node.left);
      if (left.type === "Identifier") return left.name;
      const name = memberName(left);
      return name === "" ? "default" : name;
    }
    case "ExportDefaultDeclaration":
      return "default";
    default:
      return null;
  }
}

/** The prefix for members of an object literal: its binding name and enclosing keys, or "" when it has none. */
function objectPrefix(objectPath: Ancestry): string {
  const parent = meaningfulParent(objectPath);
  if (parent === null) return "";
  if (parent.node.type === "ObjectProperty") {
    const key = keyName(parent.node.key, parent.node.computed);
    if (key === null || parent.parentPath === null) return "";
    const prefix = objectPrefix(parent.parentPath);
    return prefix === "" ? key : `${prefix}.${key}`;
  }
  const name = bindingName(objectPath);
  return name === null || name === "default" ? "" : name;
}

/** The name of a class: its own, else its binding, else `default` for `export default class {}`; null if anonymous. */
function className(classPath: Ancestry): string | null {
  const node = classPath.node as t.Class;
  if (node.id) return node.id.name;
  return bindingName(classPath);
}

function memberLabel(owner: string | null, key: string): string {
  return owner === null || owner === "" ? key : `${owner}.${key}`;
}

/**
 * Next.js's server functions as its own transform leaves them (Turbopack runs
 * plugins after it): the body of a `"use cache"` function or of an inline
 * `"use server"` one, named as in the source.
 */
const SERVER_FUNCTION = /^\$\$RSC_SERVER_(CACHE_\d+_INNER|ACTION_\d+)$/;

/** The call initialising `$$RSC_SERVER_CACHE_<n>`, whose function argument is Next's, not the source's. */
function isNextCacheWrapper(call: Ancestry): boolean {
  const declarator = call.parentPath?.node;
  return (
    declarator?.type === "VariableDeclarator" &&
    declarator.id.type === "Identifier" &&
    /^\$\$RSC_SERVER_CACHE_\d+$/.test(declarator.id.name)
  );
}

/**
 * The `function` label of a function, from the source as written
 * (docs/transform.md, "Eligible functions and their labels"), or null when it
 * has no name to go by (an anonymous inline callback).
 */
export function labelOf(path: Ancestry): string | null {
  const node = path.node;
  switch (node.type) {
    case "FunctionDeclaration":
      if (node.id) return node.id.name;
      return path.parentPath?.node.type === "ExportDefaultDeclaration" ? "default" : null;
    case "ClassMethod":
    case "ClassPrivateMethod": {
      const key = keyName(node.key, node.type === "ClassMethod" && node.computed);
      if (key === null) return null;
      const owner = className(path.parentPath!.parentPath!);
      const prefixed =
        node.kind === "get" || node.kind === "set" ? `${node.kind} ${key}` : node.kind === "constructor" ? "constructor" : key;
      return memberLabel(owner, prefixed);
    }
    case "ObjectMethod": {
      const key = keyName(node.key, node.computed);
      if (key === null) return null;
      const prefixed = node.kind === "get" || node.kind === "set" ? `${node.kind} ${key}` : key;
      return memberLabel(objectPrefix(path.parentPath!), prefixed);
    }
    case "FunctionExpression":
    case "ArrowFunctionExpression": {
      const own = node.type === "FunctionExpression" && node.id ? node.id.name : null;
      const parent = meaningfulParent(path);
      if (parent === null) return own;
      const p = parent.node;
      if (p.type === "ObjectProperty") {
        const key = keyName(p.key, p.computed);
        return key === null ? own : memberLabel(objectPrefix(parent.parentPath!), key);
      }
      if (p.type === "ClassProperty" || p.type === "ClassPrivateProperty") {
        const key = keyName(p.key, p.type === "ClassProperty" && p.computed);
        return key === null ? own : memberLabel(className(parent.parentPath!.parentPath!), key);
      }
      if (p.type === "CallExpression" && isNextCacheWrapper(parent)) return null;
      const bound = bindingName(path);
      return bound !== null && SERVER_FUNCTION.test(bound) ? (own ?? bound) : (bound ?? own);
    }
    default:
      return null;
  }
}
