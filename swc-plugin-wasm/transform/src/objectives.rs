//! Objectives declared in the source (`docs/transform.md`, "Objectives in
//! the source"; `babel-plugin/src/objectives.ts`).

use swc_core::common::Span;

use serde_json::Value;

use crate::{
    directives::{Fields, SourceDirective},
    options::{is_decimal, percentile, threshold, ObjectiveSpec, Options},
};

/// A directive with fields, and where it is, as errors name it.
pub struct Placed<'a> {
    pub source: &'a SourceDirective,
    /// ``in `handle` (src/api.js)``, `in the prologue of src/api.js`.
    pub place: String,
}

/// A directive the plugins reject: the message, and where the directive is.
#[derive(Debug)]
pub struct DirectiveError {
    pub span: Span,
    pub message: String,
}

/// The directive form of an objective's fields, as users write it.
fn describe_fields(spec: &ObjectiveSpec) -> String {
    let mut parts = Vec::new();
    if let Some(rate) = &spec.success_rate {
        parts.push(format!("successRate={rate}"));
    }
    if let Some((bound, pct)) = &spec.latency {
        parts.push(format!("latency={bound}@{pct}"));
    }
    parts.join(" ")
}

fn define(fields: &Fields, buckets: &[f64]) -> Result<ObjectiveSpec, String> {
    let mut spec = ObjectiveSpec { name: fields.objective.clone(), success_rate: None, latency: None };
    if let Some(rate) = &fields.success_rate {
        let rate = percentile(&Value::String(rate.clone())).map_err(|p| format!("successRate: {p}"))?;
        spec.success_rate = Some(rate);
    }
    if let Some(latency) = &fields.latency {
        let pair = (|| {
            let Some((bound, pct)) = latency.split_once('@') else {
                return Err(format!("expected <seconds>@<percentile> such as 0.25@99, got `{latency}`"));
            };
            if !is_decimal(bound) {
                return Err(format!("threshold `{bound}` is not a number of seconds"));
            }
            Ok((threshold(&Value::String(bound.to_string()), buckets)?, percentile(&Value::String(pct.to_string()))?))
        })();
        spec.latency = Some(pair.map_err(|p| format!("latency: {p}"))?);
    }
    Ok(spec)
}

/// The objectives a file's directives declare: each directive with fields,
/// its objective, in the order of `placed`. A directive with `successRate`
/// or `latency` defines its objective, which must agree with every other
/// definition of that name (the options' and this file's); one with
/// `objective` alone names an objective defined by either.
pub fn source_objectives(options: &Options, placed: &[Placed]) -> Result<Vec<ObjectiveSpec>, DirectiveError> {
    let fail = |p: &Placed, problem: &str| DirectiveError {
        span: p.source.span,
        message: format!("autometrics: invalid directive \"{}\" {}: {problem}", p.source.text, p.place),
    };
    let mut fields = Vec::with_capacity(placed.len());
    for p in placed {
        fields.push(p.source.fields.as_ref().map_err(|problem| fail(p, problem))?);
    }
    let mut out: Vec<Option<ObjectiveSpec>> = vec![None; placed.len()];
    let mut here: Vec<ObjectiveSpec> = Vec::new();
    // Definitions first: a directive may name an objective defined further down.
    for (i, p) in placed.iter().enumerate() {
        if fields[i].success_rate.is_none() && fields[i].latency.is_none() {
            continue;
        }
        let spec = define(fields[i], &options.buckets).map_err(|problem| fail(p, &problem))?;
        let earlier = here.iter().find(|o| o.name == spec.name);
        if let Some(other) = earlier.or_else(|| options.defined_objective(&spec.name)) {
            if describe_fields(other) != describe_fields(&spec) {
                let whose = if earlier.is_some() { "earlier in this file" } else { "in the `objectives` option" };
                let problem =
                    format!("objective `{}` is defined differently {whose} ({})", spec.name, describe_fields(other));
                return Err(fail(p, &problem));
            }
        }
        if earlier.is_none() {
            here.push(spec.clone());
        }
        out[i] = Some(spec);
    }
    for (i, p) in placed.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let name = &fields[i].objective;
        let found = here.iter().find(|o| &o.name == name).or_else(|| options.defined_objective(name));
        let Some(spec) = found else {
            let mut known: Vec<&str> = Vec::new();
            for o in options.objectives.iter().map(|r| &r.objective).chain(here.iter()) {
                if !known.contains(&o.name.as_str()) {
                    known.push(&o.name);
                }
            }
            let problem = if known.is_empty() {
                format!(
                    "unknown objective `{name}`: none is defined (define it in the `objectives` option, \
                     or here with successRate=… or latency=…)"
                )
            } else {
                format!("unknown objective `{name}` (defined: {})", known.join(", "))
            };
            return Err(fail(p, &problem));
        };
        out[i] = Some(spec.clone());
    }
    Ok(out.into_iter().map(|o| o.expect("every directive has its objective")).collect())
}
