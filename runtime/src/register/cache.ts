import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a cache entry holds for a file the plugin selected nothing in. */
const UNTOUCHED = "";
/** How an entry for a file the plugin could not handle starts: the problem follows. */
const FAILED = "\0autometrics: failed\n";

/** A cached result: the instrumented text, nothing to instrument (null), or why the plugin could not. */
export type Cached = string | null | { failed: string };

/**
 * Transformed files on disk, keyed by everything the output depends on: the
 * file's text and name, how Node runs it, the options, and the compiler's and
 * plugin's versions. Entries are written whole (a rename), so processes that
 * start together share the directory safely.
 */
export class DiskCache {
  readonly dir: string;
  private readonly salt: string;

  constructor(dir: string, salt: string) {
    this.dir = dir;
    this.salt = salt;
  }

  private path(filename: string, code: string, format: string): string {
    const key = createHash("sha256")
      .update(this.salt)
      .update("\0")
      .update(filename)
      .update("\0")
      .update(format)
      .update("\0")
      .update(code)
      .digest("hex");
    return join(this.dir, key.slice(0, 2), `${key.slice(2)}.js`);
  }

  /** The cached result, or undefined when there is none. */
  get(filename: string, code: string, format: string): Cached | undefined {
    const path = this.path(filename, code, format);
    if (!existsSync(path)) return undefined;
    try {
      const text = readFileSync(path, "utf8");
      if (text === UNTOUCHED) return null;
      return text.startsWith(FAILED) ? { failed: text.slice(FAILED.length) } : text;
    } catch {
      return undefined;
    }
  }

  set(filename: string, code: string, format: string, result: Cached): void {
    const path = this.path(filename, code, format);
    const text = result === null ? UNTOUCHED : typeof result === "string" ? result : FAILED + result.failed;
    try {
      mkdirSync(join(path, ".."), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    } catch {
      // A read-only or full disk: the next start compiles again.
    }
  }
}

/** `node_modules/.cache/autometrics` of the project, as babel-loader and others keep theirs; else a temporary directory. */
export function defaultCacheDir(root: string): string {
  if (existsSync(join(root, "node_modules"))) return join(root, "node_modules", ".cache", "autometrics");
  return join(tmpdir(), `autometrics-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`);
}
