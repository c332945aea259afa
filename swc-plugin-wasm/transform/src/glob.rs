//! The glob dialect of `docs/transform.md`, with the same algorithm as the
//! Babel plugin (`babel-plugin/src/glob.ts`): each pattern becomes a small
//! automaton, matched in one pass without backtracking, so the time is linear
//! in the subject. Both read the pattern and the subject as UTF-16 code units,
//! so they agree on every input, errors included:
//!
//! - `*` is any run of non-separators, `?` one non-separator;
//! - `**` as a whole segment is zero or more segments;
//! - `[abc]`, `[a-z]`, `[!a-z]` (which never matches the separator);
//! - `{a,b}` alternatives, nesting;
//! - `\` escapes the next character, a leading `./` is ignored (file globs).
//!
//! `sep` is `/` for file globs and `.` for function-name patterns.

/// Why a pattern was rejected, worded as the Babel plugin's `GlobError`
/// words it (the option error names the option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError(pub String);

#[derive(Debug, Clone)]
enum Node {
    /// One code unit.
    Unit(u16),
    /// `[^sep]`
    NotSep,
    /// `[^sep]*`
    NotSepRun,
    /// `.*` (the `s` flag: anything, separators and line breaks included)
    AnyRun,
    /// `(?:.*sep)?`: `**/` at the start of a segment
    Segments,
    /// `[...]`; a negated class never matches the separator
    Class { ranges: Vec<(u16, u16)>, negated: bool },
    /// `(?:a|b|…)`
    Alt(Vec<Vec<Node>>),
}

#[derive(Debug, Clone, Copy)]
enum Test {
    Unit(u16),
    NotSep,
    Any,
    Class(usize),
}

#[derive(Debug, Clone, Copy)]
enum Inst {
    Char(Test),
    Split(usize, usize),
    Jump(usize),
    Match,
}

/// One compiled pattern.
#[derive(Debug, Clone)]
pub struct Glob {
    program: Vec<Inst>,
    classes: Vec<(Vec<(u16, u16)>, bool)>,
    sep: u16,
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// A group being read: the alternatives so far and the one being built.
struct Frame {
    alternatives: Vec<Vec<Node>>,
    current: Vec<Node>,
}

impl Glob {
    pub fn compile(pattern: &str, sep: char) -> Result<Glob, GlobError> {
        if pattern.is_empty() {
            return Err(GlobError("empty pattern".to_string()));
        }
        let sep = sep as u16;
        let mut source = units(pattern);
        if sep == b'/' as u16 && pattern.starts_with("./") {
            source.drain(..2);
        }
        let mut range_error = false;

        let mut stack: Vec<Frame> = vec![Frame { alternatives: Vec::new(), current: Vec::new() }];
        let len = source.len();
        let mut i = 0;
        while i < len {
            let ch = source[i];
            let at_segment_start = i == 0 || source[i - 1] == sep;
            let depth = stack.len() - 1;
            let frame = stack.last_mut().expect("the outermost frame is never popped");
            if ch == b'\\' as u16 {
                if i + 1 >= len {
                    return Err(GlobError(format!("pattern \"{pattern}\" ends with an escape")));
                }
                i += 1;
                frame.current.push(Node::Unit(source[i]));
            } else if ch == b'*' as u16 {
                let star = b'*' as u16;
                if source.get(i + 1) == Some(&star) && at_segment_start && (i + 2 == len || source[i + 2] == sep) {
                    if i + 2 == len {
                        frame.current.push(Node::AnyRun);
                        i += 1;
                    } else {
                        frame.current.push(Node::Segments);
                        i += 2;
                    }
                } else {
                    while source.get(i + 1) == Some(&star) {
                        i += 1;
                    }
                    frame.current.push(Node::NotSepRun);
                }
            } else if ch == b'?' as u16 {
                frame.current.push(Node::NotSep);
            } else if ch == b'[' as u16 {
                let close = b']' as u16;
                let end = (i + 2..len).find(|&j| source[j] == close);
                let Some(end) = end else {
                    return Err(GlobError(format!("pattern \"{pattern}\" has an unclosed [")));
                };
                let mut body = &source[i + 1..end];
                let negated = body.first() == Some(&(b'!' as u16));
                if negated {
                    body = &body[1..];
                }
                match class_ranges(body) {
                    Some(ranges) => frame.current.push(Node::Class { ranges, negated }),
                    None => {
                        range_error = true;
                        frame.current.push(Node::Class { ranges: Vec::new(), negated });
                    }
                }
                i = end;
            } else if ch == b'{' as u16 {
                stack.push(Frame { alternatives: Vec::new(), current: Vec::new() });
            } else if ch == b'}' as u16 && depth > 0 {
                let mut group = stack.pop().expect("checked: more than one frame");
                group.alternatives.push(group.current);
                let parent = stack.last_mut().expect("the outermost frame remains");
                parent.current.push(Node::Alt(group.alternatives));
            } else if ch == b',' as u16 && depth > 0 {
                let current = std::mem::take(&mut frame.current);
                frame.alternatives.push(current);
            } else {
                frame.current.push(Node::Unit(ch));
            }
            i += 1;
        }
        if stack.len() > 1 {
            return Err(GlobError(format!("pattern \"{pattern}\" has an unclosed {{")));
        }
        if range_error {
            return Err(GlobError(format!("pattern \"{pattern}\" has a character range out of order")));
        }
        let nodes = stack.pop().expect("one frame").current;
        let mut glob = Glob { program: Vec::new(), classes: Vec::new(), sep };
        glob.emit_seq(&nodes);
        glob.program.push(Inst::Match);
        Ok(glob)
    }

    fn emit_seq(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.emit(node);
        }
    }

    fn emit_star(&mut self, test: Test) {
        let split = self.program.len();
        self.program.push(Inst::Split(split + 1, 0));
        self.program.push(Inst::Char(test));
        self.program.push(Inst::Jump(split));
        let after = self.program.len();
        self.program[split] = Inst::Split(split + 1, after);
    }

    fn emit(&mut self, node: &Node) {
        match node {
            Node::Unit(c) => self.program.push(Inst::Char(Test::Unit(*c))),
            Node::NotSep => self.program.push(Inst::Char(Test::NotSep)),
            Node::NotSepRun => self.emit_star(Test::NotSep),
            Node::AnyRun => self.emit_star(Test::Any),
            Node::Segments => {
                let split = self.program.len();
                self.program.push(Inst::Split(split + 1, 0));
                self.emit_star(Test::Any);
                self.program.push(Inst::Char(Test::Unit(self.sep)));
                let after = self.program.len();
                self.program[split] = Inst::Split(split + 1, after);
            }
            Node::Class { ranges, negated } => {
                self.classes.push((ranges.clone(), *negated));
                self.program.push(Inst::Char(Test::Class(self.classes.len() - 1)));
            }
            Node::Alt(alternatives) => {
                // Split(a1, next); a1…; Jump(end); next: Split(a2, next2); …
                let mut jumps = Vec::new();
                for (k, alternative) in alternatives.iter().enumerate() {
                    let last = k + 1 == alternatives.len();
                    let split = self.program.len();
                    if !last {
                        self.program.push(Inst::Split(split + 1, 0));
                    }
                    self.emit_seq(alternative);
                    if !last {
                        jumps.push(self.program.len());
                        self.program.push(Inst::Jump(0));
                        let next = self.program.len();
                        self.program[split] = Inst::Split(split + 1, next);
                    }
                }
                let end = self.program.len();
                for j in jumps {
                    self.program[j] = Inst::Jump(end);
                }
            }
        }
    }

    fn test(&self, test: Test, c: u16) -> bool {
        match test {
            Test::Unit(u) => u == c,
            Test::NotSep => c != self.sep,
            Test::Any => true,
            Test::Class(k) => {
                let (ranges, negated) = &self.classes[k];
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                if *negated {
                    c != self.sep && !inside
                } else {
                    inside
                }
            }
        }
    }

    /// Adds `pc` and what it reaches without reading to `set`.
    fn close(&self, pc: usize, set: &mut Vec<usize>, seen: &mut [bool]) {
        if seen[pc] {
            return;
        }
        seen[pc] = true;
        match self.program[pc] {
            Inst::Split(a, b) => {
                self.close(a, set, seen);
                self.close(b, set, seen);
            }
            Inst::Jump(a) => self.close(a, set, seen),
            Inst::Char(_) | Inst::Match => set.push(pc),
        }
    }

    /// Whether the whole of `subject` matches (the RegExp is anchored).
    /// Three buffers for the whole subject, not per character.
    pub fn matches(&self, subject: &str) -> bool {
        let n = self.program.len();
        let mut current = Vec::with_capacity(n);
        let mut next = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        self.close(0, &mut current, &mut seen);
        for c in subject.encode_utf16() {
            next.clear();
            seen.fill(false);
            for &pc in &current {
                if let Inst::Char(test) = self.program[pc] {
                    if self.test(test, c) {
                        self.close(pc + 1, &mut next, &mut seen);
                    }
                }
            }
            if next.is_empty() {
                return false;
            }
            std::mem::swap(&mut current, &mut next);
        }
        current.iter().any(|&pc| matches!(self.program[pc], Inst::Match))
    }
}

/// The ranges of a class body as V8 reads `[…]` without the `u` flag (every
/// character but `-` escaped, so each is a literal): `a-z` is a range, a `-`
/// first or last is itself. `None` when a range is out of order.
fn class_ranges(body: &[u16]) -> Option<Vec<(u16, u16)>> {
    let dash = b'-' as u16;
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let first = body[i];
        if i + 2 < body.len() && body[i + 1] == dash {
            let last = body[i + 2];
            if first > last {
                return None;
            }
            ranges.push((first, last));
            i += 3;
        } else {
            ranges.push((first, first));
            i += 1;
        }
    }
    Some(ranges)
}

/// A list of globs; matches when any does.
#[derive(Debug, Clone, Default)]
pub struct GlobSet {
    pub patterns: Vec<String>,
    globs: Vec<Glob>,
}

impl GlobSet {
    pub fn new(patterns: &[String], sep: char) -> Result<GlobSet, GlobError> {
        let globs = patterns.iter().map(|p| Glob::compile(p, sep)).collect::<Result<Vec<_>, _>>()?;
        Ok(GlobSet { patterns: patterns.to_vec(), globs })
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    pub fn matches(&self, subject: &str) -> bool {
        self.globs.iter().any(|g| g.matches(subject))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The dialect's cases, shared with the Babel plugin's tests.
    fn cases() -> Value {
        let path = crate::fixture("contract/globs.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn strings(v: &Value) -> Vec<&str> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect()
    }

    #[test]
    fn matches_files_and_names() {
        let cases = cases();
        for (kind, sep) in [("files", '/'), ("names", '.')] {
            let subjects = strings(&cases[kind]["subjects"]);
            for case in cases[kind]["cases"].as_array().unwrap() {
                let pattern = case["pattern"].as_str().unwrap();
                let glob = Glob::compile(pattern, sep).unwrap();
                let matched: Vec<&str> = subjects.iter().copied().filter(|s| glob.matches(s)).collect();
                assert_eq!(matched, strings(&case["matches"]), "{kind}: {pattern}");
            }
        }
    }

    #[test]
    fn reads_the_corners_as_the_contract_says() {
        for case in cases()["corners"].as_array().unwrap() {
            let (pattern, subject) = (case["pattern"].as_str().unwrap(), case["subject"].as_str().unwrap());
            let matches = Glob::compile(pattern, '/').unwrap().matches(subject);
            assert_eq!(matches, case["matches"].as_bool().unwrap(), "{pattern} on {subject:?}");
        }
    }

    #[test]
    fn rejects_bad_patterns_saying_why() {
        for case in cases()["errors"].as_array().unwrap() {
            let pattern = case["pattern"].as_str().unwrap();
            let error = Glob::compile(pattern, '/').unwrap_err();
            assert_eq!(error, GlobError(case["error"].as_str().unwrap().to_string()), "{pattern}");
        }
    }
}
