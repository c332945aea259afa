/** @jsxRuntime classic */
/** @jsx h */
import { expect, test } from "vitest";

// A test file Babel must not compile: Babel prints `(<Items />).toString()` without its
// parentheses, Vite's own parser then rejects the file, and it fails to load.
// biome-ignore lint/correctness/noUnusedVariables: the JSX below calls it (the @jsx pragma)
const h = (type) => ({ toString: () => `<${type.name} />` });
function Items() {}

test("a JSX element's method call in a test file loads", () => {
  expect((<Items />).toString()).toBe("<Items />");
});
