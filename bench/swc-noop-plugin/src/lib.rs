//! An SWC plugin that does nothing: the host still serializes the program into
//! Wasm memory and back, which is the floor any plugin pays.

use swc_core::{
    ecma::ast::Program,
    plugin::{plugin_transform, proxies::TransformPluginProgramMetadata},
};

#[plugin_transform]
pub fn process_transform(program: Program, _metadata: TransformPluginProgramMetadata) -> Program {
    program
}
