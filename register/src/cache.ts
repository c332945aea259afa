import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { reportOnce } from "autometrics-runtime/internal";

/** What a cache entry holds for a file the plugin selected nothing in. */
const UNTOUCHED = "";
/** How an entry for a file the plugin could not handle starts: the problem follows. */
const FAILED = "\0autometrics: failed\n";

/** A cached result: the instrumented text, nothing to instrument (null), or why the plugin could not. */
export type Cached = string | null | { failed: string };

/**
 * Whether a folder can be trusted with code this process will run: a real
 * folder (not a link) that belongs to this user and that no one else may write
 * to. Where there are no user ids (Windows), whether it is a real folder.
 */
function trusted(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return false;
    const uid = process.getuid?.();
    return uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0);
  } catch {
    return false;
  }
}

/**
 * Transformed files on disk, keyed by everything the output depends on: the
 * file's text and name, how Node runs it, the options, and the compiler's and
 * plugin's versions. Entries are written whole (a rename), so processes that
 * start together share the directory safely.
 *
 * The entries are code this process runs, so the cache is used only where no
 * one else can write: the folder and each entry's folder must belong to this
 * user and be writable by no one else (new ones are made 0700, entries 0600).
 * Otherwise every file is compiled afresh, and that is said once.
 */
export class DiskCache {
  readonly dir: string;
  private readonly salt: string;
  /** Whether the folder may be used; entry folders found trusted so far. */
  private readonly usable: boolean;
  private readonly trustedFolders = new Set<string>();

  constructor(dir: string, salt: string) {
    this.dir = dir;
    this.salt = salt;
    this.usable = this.prepare();
  }

  private prepare(): boolean {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch {
      return false; // a read-only disk: compiled afresh, as before
    }
    if (trusted(this.dir)) return true;
    reportOnce(
      `cache:${this.dir}`,
      `not using the cache in ${this.dir}: it must be a folder of this user that no one else can write to (chmod 700 it, or set AUTOMETRICS_CACHE_DIR); compiling without it`,
    );
    return false;
  }

  /** Whether an entry's folder may be read from or written to (checked once per folder). */
  private folderTrusted(folder: string): boolean {
    if (this.trustedFolders.has(folder)) return true;
    if (!trusted(folder)) {
      if (existsSync(folder)) reportOnce(`cache:${folder}`, `ignoring the cache folder ${folder}: it is not this user's alone`);
      return false;
    }
    this.trustedFolders.add(folder);
    return true;
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
    if (!this.usable) return undefined;
    const path = this.path(filename, code, format);
    if (!existsSync(path) || !this.folderTrusted(dirname(path))) return undefined;
    try {
      const text = readFileSync(path, "utf8");
      if (text === UNTOUCHED) return null;
      return text.startsWith(FAILED) ? { failed: text.slice(FAILED.length) } : text;
    } catch {
      return undefined;
    }
  }

  set(filename: string, code: string, format: string, result: Cached): void {
    if (!this.usable) return;
    const path = this.path(filename, code, format);
    const text = result === null ? UNTOUCHED : typeof result === "string" ? result : FAILED + result.failed;
    try {
      mkdirSync(dirname(path), { mode: 0o700 });
    } catch {
      // there already (or the write below fails too)
    }
    try {
      if (!this.folderTrusted(dirname(path))) return;
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o600, flag: "wx" });
      renameSync(temporary, path);
    } catch {
      // A read-only or full disk: the next start compiles again.
    }
  }
}

/**
 * `node_modules/.cache/autometrics` of the project, or of the nearest folder
 * above it with a `node_modules` (a workspace of a monorepo), as babel-loader
 * and others keep theirs; else a folder of the user's own cache directory
 * (`$XDG_CACHE_HOME`, else `~/.cache`), never a shared temporary one.
 */
export function defaultCacheDir(root: string): string {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) return join(dir, "node_modules", ".cache", "autometrics");
    if (dirname(dir) === dir) break;
  }
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "autometrics", "register", createHash("sha256").update(root).digest("hex").slice(0, 12));
}
