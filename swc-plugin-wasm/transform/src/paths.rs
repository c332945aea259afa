//! The file's path relative to `root`, with `/` separators: what `include`,
//! `exclude` and objectives' `files` match, and the `module` label.
//!
//! Plain string work on purpose: inside Wasm there is no file system to ask,
//! and hosts hand over both absolute (webpack, @swc/core) and relative
//! (Turbopack) file names. It follows the Babel plugin, which resolves the
//! file name and `root` against the working directory and takes Node's
//! `path.relative`.

/// What the transform needs to know about where the file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePaths {
    /// The `module` label: `unknown` without a file name.
    pub module: String,
    /// The path globs match: `None` without a file name, or when the file is
    /// not inside `root` (then `include` never selects it).
    pub file: Option<String>,
}

pub fn file_paths(filename: Option<&str>, root: Option<&str>, cwd: Option<&str>) -> FilePaths {
    let Some(filename) = filename.filter(|f| !f.is_empty()) else {
        return FilePaths { module: "unknown".to_string(), file: None };
    };
    let cwd = cwd.map(normalize_separators).filter(|c| is_absolute(c));
    let file = normalize_separators(source_name(filename));
    let root = root.map(normalize_separators);

    let resolve = |p: &str| -> String {
        match &cwd {
            // Turbopack names files relative to its project root, which in a monorepo is
            // a parent of the working directory it reports (the Next app's): a name that
            // starts with the working directory's last segments is taken as such.
            Some(c) if !is_absolute(p) => format!("{c}/{}", strip_root_overlap(c, p)),
            _ => p.to_string(),
        }
    };
    // `root` is the user's, relative to the working directory as Babel's `path.resolve` takes it.
    let root = match (&root, &cwd) {
        (Some(r), Some(c)) if !is_absolute(r) => format!("{c}/{r}"),
        (Some(r), _) => r.clone(),
        (None, c) => c.clone().unwrap_or_default(),
    };
    let file = resolve(&file);
    let rel = if is_absolute(&root) && !is_absolute(&file) {
        // A relative name with no working directory to resolve it against: Turbopack
        // names files relative to its project root, which can be a parent of `root`
        // (a monorepo). Drop the part of the name that is the end of `root`.
        strip_root_overlap(&root, &file)
    } else if is_absolute(&root) != is_absolute(&file) {
        // Nothing to be relative to (no working directory): the name as it is.
        segments(&file).join("/")
    } else {
        relative(&root, &file)
    };
    let inside = !(rel.is_empty() || rel.starts_with("..") || is_absolute(&rel));
    FilePaths { file: inside.then(|| rel.clone()), module: rel }
}

/// Turbopack names the module it compiles from `page.mdx` `page.mdx.tsx`: the file is the MDX one.
fn source_name(filename: &str) -> &str {
    match filename.strip_suffix(".tsx") {
        Some(mdx) if mdx.ends_with(".mdx") || mdx.ends_with(".md") => mdx,
        _ => filename,
    }
}

/// `e2e/app/lib/a.ts` under root `/repo/e2e/app` is `lib/a.ts`: the longest run of
/// root's last segments that begins the file name is removed from it.
fn strip_root_overlap(root: &str, file: &str) -> String {
    let root = segments(root);
    let file = segments(file);
    for k in (1..=root.len().min(file.len())).rev() {
        if root[root.len() - k..] == file[..k] {
            return file[k..].join("/");
        }
    }
    file.join("/")
}

fn normalize_separators(p: &str) -> String {
    p.replace('\\', "/")
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/') || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
}

/// Path segments with `.` and empty segments dropped and `..` applied.
fn segments(p: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(last) if *last != "..") {
                    out.pop();
                } else if !is_absolute(p) {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    out
}

/// `to` relative to `from`, as Node's `path.posix.relative`.
fn relative(from: &str, to: &str) -> String {
    let from = segments(from);
    let to = segments(to);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::file_paths;

    fn module(filename: Option<&str>, root: Option<&str>, cwd: Option<&str>) -> String {
        file_paths(filename, root, cwd).module
    }

    #[test]
    fn labels() {
        let cwd = Some("/app");
        assert_eq!(module(Some("/app/src/a.js"), None, cwd), "src/a.js");
        assert_eq!(module(Some("src/a.js"), None, cwd), "src/a.js");
        assert_eq!(module(Some("./src/a.js"), None, None), "src/a.js");
        assert_eq!(module(Some("/app/src/a.js"), Some("src"), cwd), "a.js");
        assert_eq!(module(Some("src/a.js"), Some("src"), cwd), "a.js");
        assert_eq!(module(Some("src/a.js"), Some("src"), None), "a.js");
        assert_eq!(module(Some("/app/src/a.js"), Some("/app/"), None), "src/a.js");
        assert_eq!(module(Some("/lib/b.js"), None, cwd), "../lib/b.js");
        assert_eq!(module(Some("C:\\app\\src\\a.js"), Some("C:/app"), None), "src/a.js");
        assert_eq!(module(None, None, cwd), "unknown");
    }

    #[test]
    fn turbopack_names_the_module_of_an_mdx_file_as_the_file() {
        assert_eq!(module(Some("app/readme/page.mdx.tsx"), None, Some("/site")), "app/readme/page.mdx");
        assert_eq!(module(Some("/site/docs/intro.md.tsx"), None, Some("/site")), "docs/intro.md");
        assert_eq!(
            file_paths(Some("app/page.mdx.tsx"), Some("/site/app"), Some("/site")).file.as_deref(),
            Some("page.mdx")
        );
        assert_eq!(module(Some("/site/page.tsx"), None, Some("/site")), "page.tsx");
        assert_eq!(module(Some("/site/page.mdx.ts"), None, Some("/site")), "page.mdx.ts");
    }

    #[test]
    fn turbopack_names_relative_to_a_parent_of_root() {
        // Turbopack: no working directory, names relative to the monorepo root.
        assert_eq!(module(Some("e2e/app/lib/a.ts"), Some("/repo/e2e/app"), None), "lib/a.ts");
        assert_eq!(module(Some("lib/a.ts"), Some("/repo/e2e/app"), None), "lib/a.ts");
        // webpack: absolute names, the same label.
        assert_eq!(module(Some("/repo/e2e/app/lib/a.ts"), Some("/repo/e2e/app"), Some("/repo/e2e/app")), "lib/a.ts");
        // Turbopack in a monorepo: the app's directory as working directory, names from the repository root.
        assert_eq!(module(Some("e2e/app/lib/a.ts"), None, Some("/repo/e2e/app")), "lib/a.ts");
        assert_eq!(module(Some("lib/a.ts"), None, Some("/repo/e2e/app")), "lib/a.ts");
    }

    #[test]
    fn a_relative_root_is_relative_to_the_working_directory_as_path_resolve_reads_it() {
        // Even when it begins with the working directory's last segment (Babel: path.resolve("/repo/app", "app/lib")).
        assert_eq!(module(Some("/repo/app/app/lib/a.js"), Some("app/lib"), Some("/repo/app")), "a.js");
        assert_eq!(module(Some("/repo/app/lib/a.js"), Some("app/lib"), Some("/repo/app")), "../../lib/a.js");
        assert_eq!(module(Some("/repo/app/src/a.js"), Some("./src/../src"), Some("/repo/app")), "a.js");
    }

    #[test]
    fn files_outside_root_are_never_matched() {
        let cwd = Some("/app");
        assert_eq!(file_paths(Some("/app/src/a.js"), None, cwd).file.as_deref(), Some("src/a.js"));
        assert_eq!(file_paths(Some("/lib/b.js"), None, cwd).file, None);
        assert_eq!(file_paths(Some("/app/..x/b.js"), None, cwd).file, None);
        assert_eq!(file_paths(None, None, cwd).file, None);
    }
}
