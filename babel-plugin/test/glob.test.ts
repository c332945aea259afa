import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileGlob } from "../src/glob";

/** The dialect's cases, shared with the SWC plugin's tests. */
const CASES = JSON.parse(readFileSync(join(__dirname, "..", "..", "fixtures", "contract", "globs.json"), "utf8"));

interface Listed {
  subjects: string[];
  cases: { pattern: string; matches: string[] }[];
}

describe("glob dialect (docs/transform.md, fixtures/contract/globs.json)", () => {
  for (const [kind, separator] of [
    ["files", "/"],
    ["names", "."],
  ] as const) {
    const { subjects, cases } = CASES[kind] as Listed;
    it(`matches ${kind} with ${separator} as the separator`, () => {
      for (const { pattern, matches } of cases) {
        const glob = compileGlob(pattern, separator);
        expect(
          subjects.filter((s) => glob.test(s)),
          pattern,
        ).to.deep.equal(matches);
      }
    });
  }

  it("reads the corners as the contract says", () => {
    for (const { pattern, subject, matches } of CASES.corners as { pattern: string; subject: string; matches: boolean }[]) {
      expect(compileGlob(pattern, "/").test(subject), `${pattern} on ${JSON.stringify(subject)}`).to.equal(matches);
    }
  });

  it("rejects bad patterns, saying why", () => {
    for (const { pattern, error } of CASES.errors as { pattern: string; error: string }[]) {
      let message = "";
      try {
        compileGlob(pattern, "/");
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, pattern).to.equal(error);
    }
  });

  it("matches in time linear in the subject, whatever the pattern (no backtracking)", () => {
    // Before, as backtracking regular expressions, these took over a second each.
    for (const [pattern, subject] of [
      ["*a*a*a*a*a*a*a*a*b", "a".repeat(40)],
      ["src/**/*-*-*-*.tsx", `src/${"a-".repeat(400)}x.ts`],
      ["{*a,*a,*a}{*a,*a}*a*b", "a".repeat(5000)],
    ]) {
      const glob = compileGlob(pattern!, "/");
      expect(glob.test(subject!), pattern).to.equal(false);
      // Each instruction is visited at most once per character read.
      expect(glob.steps, pattern).to.be.at.most((subject!.length + 1) * glob.size);
    }
  });
});
