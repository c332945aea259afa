import { expect } from "chai";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskCache, defaultCacheDir } from "../src/cache";
import { warnings } from "../../runtime/test/helpers/runtime";

const SOURCE = "export function orders() { return 1; }";
const INSTRUMENTED = "/* instrumented */ export function orders() { return 1; }";
const PLANTED = 'require("child_process").execSync("touch /tmp/owned"); export function orders() { return 1; }';

/** A cache holding one entry for src/orders.js, and that entry's path. */
function cacheWithEntry(): { dir: string; entry: string } {
  const dir = join(mkdtempSync(join(tmpdir(), "am-cache-")), "cache");
  new DiskCache(dir, "salt").set("/app/src/orders.js", SOURCE, "commonjs", INSTRUMENTED);
  const [folder] = readdirSync(dir);
  const [file] = readdirSync(join(dir, folder!));
  return { dir, entry: join(dir, folder!, file!) };
}

describe("the load hook's disk cache trusts only folders of this user's alone", () => {
  it("makes new folders 0700 and entries 0600, and reads its own entries back", () => {
    const { dir, entry } = cacheWithEntry();
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    expect(statSync(join(entry, "..")).mode & 0o777).to.equal(0o700);
    expect(statSync(entry).mode & 0o777).to.equal(0o600);
    expect(new DiskCache(dir, "salt").get("/app/src/orders.js", SOURCE, "commonjs")).to.equal(INSTRUMENTED);
  });

  it("does not run what another user planted in a cache folder anyone can write to (mode 0777)", async () => {
    const { dir, entry } = cacheWithEntry();
    chmodSync(dir, 0o777);
    writeFileSync(entry, PLANTED);
    let got: unknown;
    const said = await warnings(() => {
      got = new DiskCache(dir, "salt").get("/app/src/orders.js", SOURCE, "commonjs");
    });
    expect(got).to.equal(undefined); // compiled afresh
    expect(said).to.match(/not using the cache in .*: it must be a folder of this user that no one else can write to/);
  });

  it("ignores an entry folder that others can write to, inside a folder of its own", async () => {
    const { dir, entry } = cacheWithEntry();
    chmodSync(join(entry, ".."), 0o777);
    writeFileSync(entry, PLANTED);
    let got: unknown;
    const said = await warnings(() => {
      got = new DiskCache(dir, "salt").get("/app/src/orders.js", SOURCE, "commonjs");
    });
    expect(got).to.equal(undefined);
    expect(said).to.match(/ignoring the cache folder .*: it is not this user's alone/);
  });

  it("does not use a cache folder that belongs to another user", async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can give a folder away; the mode tests above cover the rest
    const { dir, entry } = cacheWithEntry();
    writeFileSync(entry, PLANTED);
    chownSync(dir, 65534, 65534); // nobody
    let got: unknown;
    await warnings(() => {
      got = new DiskCache(dir, "salt").get("/app/src/orders.js", SOURCE, "commonjs");
    });
    expect(got).to.equal(undefined);
  });

  it("lives in the nearest node_modules above the project, else in the user's cache directory, never in a shared temporary one", () => {
    const monorepo = mkdtempSync(join(tmpdir(), "am-monorepo-"));
    mkdirSync(join(monorepo, "node_modules"));
    mkdirSync(join(monorepo, "packages", "app"), { recursive: true });
    expect(defaultCacheDir(join(monorepo, "packages", "app"))).to.equal(join(monorepo, "node_modules", ".cache", "autometrics"));
    const alone = mkdtempSync(join(tmpdir(), "am-alone-"));
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = "/home/someone/.cache";
    try {
      expect(defaultCacheDir(alone)).to.match(/^\/home\/someone\/\.cache\/autometrics\/register\/[0-9a-f]{12}$/);
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
    }
  });
});
