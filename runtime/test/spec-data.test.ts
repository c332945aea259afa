import { expect } from "chai";
import { readFileSync } from "node:fs";

describe("the specification's facts", () => {
  it("src/spec-data.ts is what spec-data.mjs writes from spec.json (run `node runtime/spec-data.mjs` after editing spec.json)", async () => {
    const { SPEC_DATA, specData } = await import("../spec-data.mjs");
    expect(readFileSync(SPEC_DATA, "utf8")).to.equal(specData());
  });
});
