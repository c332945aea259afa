import { expect } from "chai";
import { GlobError, compileGlob } from "../src/glob";

const files = (pattern: string, subjects: string[]) => subjects.filter((s) => compileGlob(pattern, "/").test(s));

describe("glob dialect (docs/transform.md)", () => {
  const all = ["a.js", "src/a.js", "src/b.ts", "src/deep/c.js", "src/.hidden.js", "lib/src/a.js", "node_modules/x/index.js", "src/x/node_modules/y.js"];

  it("* stays within a segment, ** spans segments", () => {
    expect(files("*.js", all)).to.deep.equal(["a.js"]);
    expect(files("src/*", all)).to.deep.equal(["src/a.js", "src/b.ts", "src/.hidden.js"]);
    expect(files("src/**", all)).to.deep.equal(["src/a.js", "src/b.ts", "src/deep/c.js", "src/.hidden.js", "src/x/node_modules/y.js"]);
    expect(files("src/**/*.js", all)).to.deep.equal(["src/a.js", "src/deep/c.js", "src/.hidden.js", "src/x/node_modules/y.js"]);
    expect(files("**/node_modules/**", all)).to.deep.equal(["node_modules/x/index.js", "src/x/node_modules/y.js"]);
    expect(files("**", all)).to.deep.equal(all);
    expect(files("**/a.js", all)).to.deep.equal(["a.js", "src/a.js", "lib/src/a.js"]);
  });

  it("supports ?, classes, negated classes, alternatives, escapes and ./", () => {
    expect(files("src/?.js", all)).to.deep.equal(["src/a.js"]);
    expect(files("src/[ab].*", all)).to.deep.equal(["src/a.js", "src/b.ts"]);
    expect(files("src/[!a].*", all)).to.deep.equal(["src/b.ts"]);
    expect(files("src/{a.js,deep/**}", all)).to.deep.equal(["src/a.js", "src/deep/c.js"]);
    expect(files("{src,lib/{src}}/a.js", all)).to.deep.equal(["src/a.js", "lib/src/a.js"]);
    expect(files("./src/a.js", all)).to.deep.equal(["src/a.js"]);
    expect(compileGlob("a\\*b", "/").test("a*b")).to.equal(true);
    expect(compileGlob("a\\*b", "/").test("axb")).to.equal(false);
    expect(compileGlob("src/a+b(1).js", "/").test("src/a+b(1).js")).to.equal(true);
  });

  it("uses . as the separator for function names", () => {
    const names = ["handle", "handleRequest", "Api.handle", "UserService.get", "UserService.cache.clear", "UserService.#secret"];
    const match = (p: string) => names.filter((n) => compileGlob(p, ".").test(n));
    expect(match("handle*")).to.deep.equal(["handle", "handleRequest"]);
    expect(match("UserService.*")).to.deep.equal(["UserService.get", "UserService.#secret"]);
    expect(match("UserService.**")).to.deep.equal(["UserService.get", "UserService.cache.clear", "UserService.#secret"]);
    expect(match("*.handle")).to.deep.equal(["Api.handle"]);
  });

  it("rejects empty patterns and unclosed groups", () => {
    expect(() => compileGlob("", "/")).to.throw(GlobError, "empty pattern");
    expect(() => compileGlob("src/[ab", "/")).to.throw(GlobError, 'pattern "src/[ab" has an unclosed [');
    expect(() => compileGlob("src/{a,b", "/")).to.throw(GlobError, 'pattern "src/{a,b" has an unclosed {');
    expect(() => compileGlob("oops\\", "/")).to.throw(GlobError, "ends with an escape");
    expect(() => compileGlob("[z-a]", "/")).to.throw(GlobError, 'pattern "[z-a]" has a character range out of order');
  });
});
