import type { types as t } from "@babel/core";
import { bare } from "./labels";
import schedulerNames from "./schedulers.json";

/**
 * Callees that register a callback to run later (docs/transform.md, "Callers
 * across asynchronous boundaries"): promise reactions, timers, the microtask
 * and next-tick queues, event listeners, and the `Promise` constructor. The
 * SWC plugin reads the same file.
 */
const SCHEDULERS = new Set<string>(schedulerNames);

/**
 * Whether a call or `new` with this callee can register an asynchronous
 * continuation (looking through parentheses and type-only wrappers).
 */
export function schedules(node: t.Node): boolean {
  const callee = bare(node);
  if (callee.type === "Identifier") return SCHEDULERS.has(callee.name);
  if ((callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") && !callee.computed) {
    return callee.property.type === "Identifier" && SCHEDULERS.has(callee.property.name);
  }
  return false;
}
