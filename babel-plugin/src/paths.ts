import { isAbsolute, relative, sep } from "node:path";

/** Turbopack names the module it compiles from `page.mdx` `page.mdx.tsx`: the file is the MDX one. */
function sourceName(filename: string): string {
  return filename.replace(/(\.mdx?)\.tsx$/, "$1");
}

/** The `module` label (the path relative to root, `/`-separated), and the same path for globs when it lies inside root. */
export function paths(filename: string | undefined, root: string): { module: string; file: string | null } {
  if (filename === undefined) return { module: "unknown", file: null };
  const rel = relative(root, sourceName(filename)).split(sep).join("/");
  const inside = !(rel === "" || rel.startsWith("..") || isAbsolute(rel));
  return { module: rel, file: inside ? rel : null };
}
