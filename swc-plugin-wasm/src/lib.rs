//! The SWC Wasm plugin: reads the options and the file's metadata from the
//! host and runs the transform from `autometrics_swc_transform`. `host.rs`
//! holds the exports the host calls.

mod host;

use autometrics_swc_transform::{autometrics, Options};
use swc_core::{
    common::{errors::HANDLER, plugin::metadata::TransformPluginMetadataContextKind, Spanned},
    ecma::ast::Program,
    plugin::proxies::TransformPluginProgramMetadata,
};

fn process_transform(program: Program, metadata: TransformPluginProgramMetadata) -> Program {
    let options = match Options::from_json(metadata.get_transform_plugin_config().as_deref()) {
        Ok(options) => options,
        Err(error) => {
            // Reported through the host, which fails the build; the span
            // makes it print the file's name with the message.
            let span = program.span();
            HANDLER.with(|handler| handler.struct_span_err(span, &error.0).emit());
            return program;
        }
    };
    let filename = metadata.get_context(&TransformPluginMetadataContextKind::Filename);
    let cwd = metadata.get_context(&TransformPluginMetadataContextKind::Cwd);
    program.apply(autometrics(options, filename.as_deref(), cwd.as_deref(), metadata.unresolved_mark))
}
