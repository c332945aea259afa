//! The `module` label: the file path relative to `root`, with `/` separators.
//!
//! Plain string work on purpose: inside Wasm there is no file system to ask,
//! and hosts hand over both absolute (webpack, @swc/core) and relative
//! (Turbopack) file names.

/// `module` label for `filename`, given the `root` option and the compiler's
/// working directory. `unknown` when the compiler gives no file name.
pub fn module_label(filename: Option<&str>, root: Option<&str>, cwd: Option<&str>) -> String {
    let Some(filename) = filename.filter(|f| !f.is_empty()) else {
        return "unknown".to_string();
    };
    let cwd = cwd.map(normalize_separators).filter(|c| is_absolute(c));
    let file = normalize_separators(filename);
    let root = root.map(normalize_separators);

    // Resolve both against the working directory where it is known.
    let absolute = |p: &str| -> Option<String> {
        if is_absolute(p) {
            Some(p.to_string())
        } else {
            cwd.as_ref().map(|c| format!("{c}/{p}"))
        }
    };
    let root_abs = match &root {
        Some(r) => absolute(r),
        None => cwd.clone(),
    };
    match (absolute(&file), root_abs) {
        (Some(file_abs), Some(root_abs)) => relative(&root_abs, &file_abs),
        // Nothing to be relative to: a relative name is taken as it is.
        _ => segments(&file).join("/"),
    }
}

fn normalize_separators(p: &str) -> String {
    p.replace('\\', "/")
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
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

/// `to` relative to `from` (both absolute), as Node's `path.posix.relative`.
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
    use super::module_label;

    #[test]
    fn labels() {
        let cwd = Some("/app");
        assert_eq!(module_label(Some("/app/src/a.js"), None, cwd), "src/a.js");
        assert_eq!(module_label(Some("src/a.js"), None, cwd), "src/a.js");
        assert_eq!(module_label(Some("./src/a.js"), None, None), "src/a.js");
        assert_eq!(
            module_label(Some("/app/src/a.js"), Some("src"), cwd),
            "a.js"
        );
        assert_eq!(
            module_label(Some("/app/src/a.js"), Some("/app/"), None),
            "src/a.js"
        );
        assert_eq!(module_label(Some("/lib/b.js"), None, cwd), "../lib/b.js");
        assert_eq!(
            module_label(Some("C:\\app\\src\\a.js"), Some("C:/app"), None),
            "src/a.js"
        );
        assert_eq!(module_label(None, None, cwd), "unknown");
    }
}
