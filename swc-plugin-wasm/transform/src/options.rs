//! The plugin options (`docs/transform.md`, "Options"), validated over the
//! JSON the host hands the plugin with the Babel plugin's checks, in its order
//! and words (`babel-plugin/src/options.ts`), so that both name the same
//! option and the same problem.

use serde_json::{Map, Value};
use swc_core::ecma::utils::number::ToJsString;

use crate::glob::{GlobError, GlobSet};

/// The specification's default histogram buckets, in seconds: the runtime's
/// `runtime/spec.json`, embedded, so that the runtime and both plugins read one list.
pub fn default_buckets() -> Vec<f64> {
    let spec: Value = serde_json::from_str(include_str!("../../../runtime/spec.json")).expect("runtime/spec.json");
    let list = spec["defaultBuckets"].as_array().expect("runtime/spec.json: defaultBuckets");
    list.iter().map(|v| v.as_f64().expect("runtime/spec.json: a bucket is a number")).collect()
}

pub const DEFAULT_RUNTIME: &str = "autometrics-runtime";

const KNOWN: [&str; 9] =
    ["include", "exclude", "functions", "root", "runtime", "objectives", "trackConcurrency", "buckets", "moduleSystem"];

const OBJECTIVE_FIELDS: [&str; 5] = ["name", "successRate", "latency", "files", "functions"];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ModuleSystem {
    #[default]
    Auto,
    Esm,
    Commonjs,
}

/// What an objective rule attaches: `{ name, successRate?, latency? }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveSpec {
    pub name: String,
    pub success_rate: Option<String>,
    /// `[threshold, percentile]`, the threshold as the shortest decimal string.
    pub latency: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct ObjectiveRule {
    pub objective: ObjectiveSpec,
    pub files: Option<GlobSet>,
    pub functions: Option<GlobSet>,
}

/// The validated options.
#[derive(Debug, Clone)]
pub struct Options {
    pub include: GlobSet,
    pub exclude: GlobSet,
    pub functions: GlobSet,
    pub root: Option<String>,
    pub runtime: String,
    pub objectives: Vec<ObjectiveRule>,
    pub track_concurrency: bool,
    pub buckets: Vec<f64>,
    pub module_system: ModuleSystem,
}

impl Default for Options {
    fn default() -> Self {
        Options::from_value(&Value::Null).expect("the defaults are valid")
    }
}

/// ``autometrics: invalid option `<option>`: <problem>``, or a message the
/// Babel plugin lets through as it is (a glob whose RegExp does not compile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError(pub String);

impl OptionError {
    fn new(option: &str, problem: impl AsRef<str>) -> OptionError {
        OptionError(format!("autometrics: invalid option `{option}`: {}", problem.as_ref()))
    }
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Result<T> = std::result::Result<T, OptionError>;

/// What the value is, as the messages say it (`typeof`, with `null` and arrays apart).
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Array(_) => "an array",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Object(_) => "object",
    }
}

/// The value as the messages quote it: numbers as JavaScript prints them,
/// the rest as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) => number(n).to_js_string(),
        other => other.to_string(),
    }
}

fn number(n: &serde_json::Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// A name with something in it besides white space (Unicode White_Space,
/// as `\p{White_Space}` in the Babel plugin and the runtime).
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

fn globs(value: Option<&Value>, option: &str, sep: char, fallback: &[&str]) -> Result<GlobSet> {
    let list: Vec<String> = match value {
        None => fallback.iter().map(|s| s.to_string()).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => list.push(s.clone()),
                    other => {
                        return Err(OptionError::new(
                            &format!("{option}[{i}]"),
                            format!("expected a string, got {}", describe(other)),
                        ))
                    }
                }
            }
            list
        }
        Some(other) => {
            let what = if sep == '/' { "a glob or an array of globs" } else { "a name pattern or an array of them" };
            return Err(OptionError::new(option, format!("expected {what}, got {}", describe(other))));
        }
    };
    GlobSet::new(&list, sep).map_err(|GlobError(message)| OptionError::new(option, message))
}

/// `/^\d+(\.\d+)?$/`: a percentile, or a threshold written in a directive.
pub(crate) fn is_decimal(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// `"99.9"` (or 99.9): the percentile as written, or the problem with it.
pub(crate) fn percentile(value: &Value) -> std::result::Result<String, String> {
    let text = match value {
        Value::Number(n) => Some(number(n).to_js_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let Some(text) = text.filter(|t| is_decimal(t)) else {
        return Err(format!("expected a percentile such as \"99.9\", got {}", shown(value)));
    };
    let n: f64 = text.parse().unwrap_or(f64::NAN);
    if !(n > 0.0 && n < 100.0) {
        return Err(format!("percentile {text} is not between 0 and 100"));
    }
    Ok(text)
}

/// A latency threshold in seconds (a number, or a decimal string such as
/// `"0.25"`) that is one of `buckets`, as JavaScript prints it; or the problem.
pub(crate) fn threshold(value: &Value, buckets: &[f64]) -> std::result::Result<String, String> {
    let bound = match value {
        Value::String(s) if is_decimal(s) => s.parse().ok(),
        Value::Number(n) => Some(number(n)),
        _ => None,
    };
    let Some(bound) = bound.filter(|b: &f64| b.is_finite() && *b > 0.0) else {
        return Err(format!("threshold {} is not a positive number of seconds", shown(value)));
    };
    if !buckets.contains(&bound) {
        let list = buckets.iter().map(|b| b.to_js_string()).collect::<Vec<_>>().join(", ");
        return Err(format!("threshold {} is not a histogram bucket (buckets: {list})", bound.to_js_string()));
    }
    Ok(bound.to_js_string())
}

fn objective(value: &Value, option: &str, buckets: &[f64]) -> Result<ObjectiveRule> {
    let Value::Object(entry) = value else {
        return Err(OptionError::new(option, format!("expected an object, got {}", describe(value))));
    };
    for key in entry.keys() {
        if !OBJECTIVE_FIELDS.contains(&key.as_str()) {
            return Err(OptionError::new(
                &format!("{option}.{key}"),
                "unknown field (known: name, successRate, latency, files, functions)",
            ));
        }
    }
    let name = match entry.get("name") {
        Some(Value::String(s)) if !is_blank(s) => s.clone(),
        _ => return Err(OptionError::new(&format!("{option}.name"), "an objective needs a non-empty name")),
    };
    let success_rate = entry.get("successRate");
    let latency = entry.get("latency");
    if success_rate.is_none() && latency.is_none() {
        return Err(OptionError::new(option, format!("objective \"{name}\" has neither successRate nor latency")));
    }
    let mut spec = ObjectiveSpec { name, success_rate: None, latency: None };
    if let Some(rate) = success_rate {
        let option = format!("{option}.successRate");
        spec.success_rate = Some(percentile(rate).map_err(|p| OptionError::new(&option, p))?);
    }
    if let Some(latency) = latency {
        let option = format!("{option}.latency");
        let (bound, pct) = match latency {
            Value::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
            _ => return Err(OptionError::new(&option, "expected [threshold in seconds, percentile]")),
        };
        let pair = threshold(bound, buckets).and_then(|t| Ok((t, percentile(pct)?)));
        spec.latency = Some(pair.map_err(|p| OptionError::new(&option, p))?);
    }
    let files = match entry.get("files") {
        None => None,
        Some(v) => Some(globs(Some(v), &format!("{option}.files"), '/', &[])?),
    };
    let functions = match entry.get("functions") {
        None => None,
        Some(v) => Some(globs(Some(v), &format!("{option}.functions"), '.', &[])?),
    };
    Ok(ObjectiveRule { objective: spec, files, functions })
}

impl Options {
    /// Parses the options JSON the host hands the plugin (`None`, empty or
    /// `null`: no options).
    pub fn from_json(json: Option<&str>) -> Result<Options> {
        let json = json.map(str::trim).unwrap_or("");
        if json.is_empty() {
            return Options::from_value(&Value::Null);
        }
        match serde_json::from_str(json) {
            Ok(value) => Options::from_value(&value),
            Err(e) => Err(OptionError::new("options", format!("not valid JSON ({e})"))),
        }
    }

    /// `parseOptions` of the Babel plugin, check for check.
    fn from_value(raw: &Value) -> Result<Options> {
        let empty = Map::new();
        let input = match raw {
            Value::Null => &empty,
            Value::Object(map) => map,
            other => return Err(OptionError::new("options", format!("expected an object, got {}", describe(other)))),
        };
        for key in input.keys() {
            if !KNOWN.contains(&key.as_str()) {
                return Err(OptionError::new(key, format!("unknown option (known: {})", KNOWN.join(", "))));
            }
        }
        let flag = |key: &str| -> Result<bool> {
            match input.get(key) {
                None => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(other) => Err(OptionError::new(key, format!("expected a boolean, got {}", describe(other)))),
            }
        };
        let text = |key: &str| -> Result<Option<String>> {
            match input.get(key) {
                None => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(other) => {
                    Err(OptionError::new(key, format!("expected a non-empty string, got {}", describe(other))))
                }
            }
        };

        let mut buckets = default_buckets();
        if let Some(b) = input.get("buckets") {
            let list = match b {
                Value::Array(items) if !items.is_empty() => items,
                _ => return Err(OptionError::new("buckets", "expected a non-empty array of numbers (seconds)")),
            };
            let mut previous = f64::NEG_INFINITY;
            let mut values = Vec::with_capacity(list.len());
            for x in list {
                let v = match x {
                    Value::Number(n) => number(n),
                    _ => f64::NAN,
                };
                if !(v.is_finite() && v > 0.0) {
                    return Err(OptionError::new(
                        "buckets",
                        format!("bucket {} is not a positive finite number", shown(x)),
                    ));
                }
                if v <= previous {
                    return Err(OptionError::new("buckets", "buckets must be strictly increasing"));
                }
                previous = v;
                values.push(v);
            }
            buckets = values;
        }

        let module_system = match input.get("moduleSystem") {
            None | Some(Value::Null) => ModuleSystem::Auto,
            Some(Value::String(s)) if s == "auto" => ModuleSystem::Auto,
            Some(Value::String(s)) if s == "esm" => ModuleSystem::Esm,
            Some(Value::String(s)) if s == "commonjs" => ModuleSystem::Commonjs,
            Some(other) => {
                return Err(OptionError::new(
                    "moduleSystem",
                    format!("expected \"auto\", \"esm\" or \"commonjs\", got {}", shown(other)),
                ))
            }
        };

        let objectives_raw: &[Value] = match input.get("objectives") {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(OptionError::new("objectives", format!("expected an array, got {}", describe(other))))
            }
        };

        let include = globs(input.get("include"), "include", '/', &[])?;
        let exclude = globs(input.get("exclude"), "exclude", '/', &["**/node_modules/**"])?;
        let functions = globs(input.get("functions"), "functions", '.', &[])?;
        let root = text("root")?;
        let runtime = text("runtime")?.unwrap_or_else(|| DEFAULT_RUNTIME.to_string());
        let objectives = objectives_raw
            .iter()
            .enumerate()
            .map(|(i, o)| objective(o, &format!("objectives[{i}]"), &buckets))
            .collect::<Result<Vec<_>>>()?;
        let track_concurrency = flag("trackConcurrency")?;
        Ok(Options {
            include,
            exclude,
            functions,
            root,
            runtime,
            objectives,
            track_concurrency,
            buckets,
            module_system,
        })
    }

    /// The objective the options attach to a function: the first entry
    /// matching its file and label. An entry with neither `files` nor
    /// `functions` only defines an objective, which directives attach by name.
    pub fn objective_for(&self, file: Option<&str>, label: &str) -> Option<&ObjectiveSpec> {
        self.objectives.iter().find_map(|rule| {
            if rule.files.is_none() && rule.functions.is_none() {
                return None;
            }
            if let Some(files) = &rule.files {
                if !file.is_some_and(|f| files.matches(f)) {
                    return None;
                }
            }
            if let Some(functions) = &rule.functions {
                if !functions.matches(label) {
                    return None;
                }
            }
            Some(&rule.objective)
        })
    }

    /// The objective the options define under `name` (the first entry of that name).
    pub fn defined_objective(&self, name: &str) -> Option<&ObjectiveSpec> {
        self.objectives.iter().map(|rule| &rule.objective).find(|o| o.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> Result<Options> {
        Options::from_json(Some(&v.to_string()))
    }

    #[test]
    fn has_the_documented_defaults() {
        let o = Options::from_json(None).unwrap();
        assert!(o.include.is_empty());
        assert_eq!(o.exclude.patterns, ["**/node_modules/**"]);
        assert_eq!(o.runtime, "autometrics-runtime");
        assert_eq!(o.module_system, ModuleSystem::Auto);
        assert!(!o.track_concurrency);
        assert_eq!(o.root, None);
        assert!(Options::from_json(Some("null")).is_ok());
    }

    #[test]
    fn takes_a_single_glob_as_well_as_a_list() {
        assert!(parse(json!({ "include": "src/**" })).unwrap().include.matches("src/a.js"));
    }

    #[test]
    fn names_the_option_in_every_error_in_the_shared_wording() {
        let path = crate::fixture("contract/options-errors.json");
        let shared: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for case in shared["cases"].as_array().unwrap() {
            let options = &case["options"];
            assert_eq!(parse(options.clone()).unwrap_err().0, case["error"].as_str().unwrap(), "{options}");
        }
    }

    #[test]
    fn accepts_bucket_thresholds_as_numbers_or_strings_rendered_like_le() {
        let o = parse(json!({
            "objectives": [{ "name": "x", "latency": ["1.0", 99] }, { "name": "y", "latency": [2, "95"] }],
            "buckets": [0.5, 1, 2],
        }))
        .unwrap();
        let latencies: Vec<_> = o.objectives.iter().map(|r| r.objective.latency.clone().unwrap()).collect();
        assert_eq!(latencies, [("1".to_string(), "99".to_string()), ("2".to_string(), "95".to_string())]);
    }

    #[test]
    fn attaches_the_first_objective_whose_files_and_functions_match() {
        let o = parse(json!({
            "objectives": [
                { "name": "api", "successRate": "99", "files": "src/routes/**", "functions": "handle*" },
                { "name": "jobs", "successRate": "95", "files": ["src/jobs/**"] },
                { "name": "defined", "successRate": "99.9" },
                { "name": "fallback", "successRate": "90", "functions": "**" },
            ],
        }))
        .unwrap();
        let name = |file: Option<&str>, label: &str| o.objective_for(file, label).map(|s| s.name.clone());
        assert_eq!(name(Some("src/routes/a.js"), "handleGet").as_deref(), Some("api"));
        assert_eq!(name(Some("src/routes/a.js"), "helper").as_deref(), Some("fallback"));
        assert_eq!(name(Some("src/jobs/x.js"), "handleGet").as_deref(), Some("jobs"));
        assert_eq!(name(None, "handleGet").as_deref(), Some("fallback"));
        // An entry with neither files nor functions is for directives to name.
        assert_eq!(o.defined_objective("defined").and_then(|s| s.success_rate.as_deref()), Some("99.9"));
    }
}
