//! The plugin options, as `docs/transform.md` ("Options") names them.
//!
//! Only the shape is checked here for now. The contract's error wording
//! (``autometrics: invalid option `<option>`: …``) and the semantic checks
//! (globs, objectives against buckets) are still to be written.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Files whose every eligible function is instrumented.
    #[serde(default)]
    pub include: Option<OneOrMany>,
    /// Files that `include` never selects; `["**/node_modules/**"]` when absent.
    #[serde(default)]
    pub exclude: Option<OneOrMany>,
    /// Narrows what `include` selects, by `function` label.
    #[serde(default)]
    pub functions: Option<OneOrMany>,
    /// What globs and the `module` label are relative to; the compiler's
    /// working directory when absent.
    #[serde(default)]
    pub root: Option<String>,
    /// The module the injected import or require names.
    #[serde(default)]
    pub runtime: Option<String>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub track_concurrency: bool,
    #[serde(default)]
    pub buckets: Option<Vec<f64>>,
    #[serde(default)]
    pub module_system: ModuleSystem,
}

pub const DEFAULT_RUNTIME: &str = "autometrics-runtime";

impl Config {
    /// Parses the options object the host hands the plugin (a JSON string;
    /// empty or `null` means no options).
    pub fn from_json(json: &str) -> Result<Config, String> {
        let json = json.trim();
        if json.is_empty() || json == "null" {
            return Ok(Config::default());
        }
        serde_json::from_str(json).map_err(|e| format!("autometrics: invalid options: {e}"))
    }

    pub fn runtime(&self) -> &str {
        self.runtime.as_deref().unwrap_or(DEFAULT_RUNTIME)
    }
}

/// A glob (or name pattern) or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// `{ name, successRate?, latency?: [threshold, percentile], files?, functions? }`
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Objective {
    pub name: String,
    #[serde(default)]
    pub success_rate: Option<String>,
    #[serde(default)]
    pub latency: Option<(Threshold, String)>,
    #[serde(default)]
    pub files: Option<OneOrMany>,
    #[serde(default)]
    pub functions: Option<OneOrMany>,
}

/// A latency threshold in seconds, written as a number or a string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Threshold {
    Number(f64),
    String(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModuleSystem {
    #[default]
    Auto,
    Esm,
    Commonjs,
}
