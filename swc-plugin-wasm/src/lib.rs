//! The SWC Wasm plugin: reads the options and the file's metadata from the
//! host and runs the transform from `autometrics_swc_transform`.

use autometrics_swc_transform::{autometrics, Config};
use swc_core::{
    common::{errors::HANDLER, plugin::metadata::TransformPluginMetadataContextKind},
    ecma::ast::Program,
    plugin::{plugin_transform, proxies::TransformPluginProgramMetadata},
};

#[plugin_transform]
pub fn process_transform(program: Program, metadata: TransformPluginProgramMetadata) -> Program {
    let options = metadata.get_transform_plugin_config().unwrap_or_default();
    let config = match Config::from_json(&options) {
        Ok(config) => config,
        Err(message) => {
            // Reported through the host, which names the file and fails the build.
            HANDLER.with(|handler| handler.err(&message));
            return program;
        }
    };
    let filename = metadata.get_context(&TransformPluginMetadataContextKind::Filename);
    let cwd = metadata.get_context(&TransformPluginMetadataContextKind::Cwd);
    program.apply(autometrics(
        config,
        filename.as_deref(),
        cwd.as_deref(),
        metadata.unresolved_mark,
    ))
}
