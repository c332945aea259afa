//! The exports the SWC host calls, written out as `#[plugin_transform]`
//! generates them, but for one thing: a program this build cannot read fails
//! in words that name the plugin, the hosts its build runs in and what to use
//! instead. The macro says only "Failed to deserialize program received from
//! host", and since @swc/core 1.15 that is how a host outside a build's range
//! fails (a `.swcrc` names its build by hand, so nothing checks it earlier).

use serde_json::Value;
use swc_core::{
    common::{
        errors::{DiagnosticBuilder, Emitter, Handler, HANDLER},
        plugin::{
            diagnostics::PluginCorePkgDiagnostics,
            serialized::{PluginError, PluginSerializedBytes, VersionedSerializable},
            PLUGIN_TRANSFORM_AST_SCHEMA_VERSION,
        },
        sync::OnceCell,
        Mark,
    },
    ecma::ast::Program,
    plugin::{
        metadata::TransformPluginProgramMetadata,
        proxies::{PluginCommentsProxy, PluginSourceMapProxy},
    },
};

/// A build of the plugin: its module request, its `swc_ecma_ast`, and the
/// hosts it runs in, in words.
struct Build {
    request: String,
    ast: String,
    runs_in: String,
}

/// The builds, newest first: compat/builds.json, embedded, which compat/host.js
/// reads to pick one by version. The hosts are worded as its `rangeOf` words them.
fn builds() -> Vec<Build> {
    let table: Value = serde_json::from_str(include_str!("../compat/builds.json")).expect("compat/builds.json");
    let text = |v: &Value| v.as_str().expect("compat/builds.json: a string").to_string();
    let builds = table["builds"].as_array().expect("compat/builds.json: builds");
    builds
        .iter()
        .map(|b| {
            let minimum = b["minimum"].as_object().expect("compat/builds.json: minimum");
            let hosts: Vec<String> = minimum
                .iter()
                .map(|(host, first)| {
                    let name = text(&table["hosts"][host]);
                    match b.get("last").and_then(|l| l.get(host)) {
                        Some(last) => format!("{name} {} to {}", text(first), text(last)),
                        None => format!("{name} {} and later", text(first)),
                    }
                })
                .collect();
            let runs_in = match hosts.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            Build { request: text(&b["request"]), ast: text(&b["ast"]), runs_in }
        })
        .collect()
}

/// Why this build stops on a program it cannot read, and what to name instead.
fn unreadable_program() -> String {
    let builds = builds();
    let name = env!("CARGO_PKG_NAME");
    let this = builds.iter().position(|b| name.ends_with(&format!("_ast{}", b.ast))).unwrap_or(0);
    // "For <hosts>, name "<build>" instead; for <hosts>, name "<build>"".
    let others: Vec<String> = (0..builds.len())
        .filter(|&i| i != this)
        .enumerate()
        .map(|(n, i)| {
            let (first, instead) = if n == 0 { ("For", " instead") } else { ("for", "") };
            format!("{first} {}, name \"{}\"{instead}", builds[i].runs_in, builds[i].request)
        })
        .collect();
    let swc_core = swc_core::diagnostics::get_core_engine_diagnostics().package_semver;
    format!(
        "swc-plugin-autometrics {} cannot read the program this host sent: \"{}\" is its build on swc_core {swc_core} \
         (swc_ecma_ast {}), which runs in {}. {}, or take the path from plugin() of \
         swc-plugin-autometrics/compat (withAutometrics in next.config), which picks the build for the installed \
         host and says what to install when none runs there.",
        env!("CARGO_PKG_VERSION"),
        builds[this].request,
        builds[this].ast,
        builds[this].runs_in,
        others.join("; "),
    )
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
extern "C" {
    fn __set_transform_result(bytes_ptr: u32, bytes_ptr_len: u32);
    fn __set_transform_plugin_core_pkg_diagnostics(bytes_ptr: u32, bytes_ptr_len: u32);
    fn __emit_diagnostics(bytes_ptr: u32, bytes_ptr_len: u32);
}

/// Hands the plugin's diagnostics (`HANDLER`) to the host.
struct HostEmitter;

impl Emitter for HostEmitter {
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused))]
    fn emit(&mut self, db: &mut DiagnosticBuilder<'_>) {
        let bytes = PluginSerializedBytes::try_serialize(&VersionedSerializable::new(*db.diagnostic.clone()))
            .expect("a diagnostic serializes");
        let (ptr, len) = bytes.as_ptr();
        #[cfg(target_arch = "wasm32")]
        unsafe {
            __emit_diagnostics(ptr as u32, len as u32)
        };
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(unused))]
fn send_result(bytes: &PluginSerializedBytes) {
    let (ptr, len) = bytes.as_ptr();
    #[cfg(target_arch = "wasm32")]
    unsafe {
        __set_transform_result(ptr as u32, len as u32)
    };
}

fn send_error(error: PluginError) -> u32 {
    send_result(
        &PluginSerializedBytes::try_serialize(&VersionedSerializable::new(error)).expect("an error serializes"),
    );
    1
}

/// The `swc_core` this build is on, which the host reads before the first file.
#[no_mangle]
pub fn __get_transform_plugin_core_pkg_diag() -> u32 {
    let core = swc_core::diagnostics::get_core_engine_diagnostics();
    let diagnostics = PluginCorePkgDiagnostics {
        ast_schema_version: PLUGIN_TRANSFORM_AST_SCHEMA_VERSION,
        pkg_version: core.package_semver,
        git_sha: core.git_sha,
        cargo_features: core.cargo_features,
    };
    let bytes =
        PluginSerializedBytes::try_serialize(&VersionedSerializable::new(diagnostics)).expect("diagnostics serialize");
    #[cfg(target_arch = "wasm32")]
    {
        let (ptr, len) = bytes.as_ptr();
        unsafe { __set_transform_plugin_core_pkg_diagnostics(ptr as u32, len as u32) };
    }
    drop(bytes);
    0
}

/// Transforms one file's program, which the host serialized into this
/// module's memory at `ast_ptr`.
///
/// # Safety
///
/// `ast_ptr` points to `ast_ptr_len` initialized bytes that the host keeps
/// allocated until this returns (the SWC plugin ABI).
#[no_mangle]
#[allow(unused_unsafe)] // `from_raw_ptr` is `unsafe` from swc_core 78 on.
pub unsafe fn __transform_plugin_process_impl(
    ast_ptr: *const u8,
    ast_ptr_len: u32,
    unresolved_mark: u32,
    should_enable_comments_proxy: i32,
) -> u32 {
    let bytes = unsafe { PluginSerializedBytes::from_raw_ptr(ast_ptr, ast_ptr_len as usize) };
    let Ok(program) = bytes.deserialize::<Program>() else {
        return send_error(PluginError::Deserialize(unreadable_program()));
    };
    let metadata = TransformPluginProgramMetadata {
        comments: (should_enable_comments_proxy == 1).then_some(PluginCommentsProxy),
        source_map: PluginSourceMapProxy { source_file: OnceCell::new() },
        unresolved_mark: Mark::from_u32(unresolved_mark),
    };
    let handler = Handler::with_emitter(true, false, Box::new(HostEmitter));
    let program = HANDLER.set(&handler, || crate::process_transform(program.into_inner(), metadata));
    match PluginSerializedBytes::try_serialize(&VersionedSerializable::new(program)) {
        Ok(bytes) => {
            send_result(&bytes);
            0
        }
        Err(_) => send_error(PluginError::Serialize("Failed to serialize transformed program".into())),
    }
}
