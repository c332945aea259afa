// The transform's sources and tests are ../../transform's, and the files it
// embeds the runtime's and the Babel plugin's, outside this package: Cargo
// records such files by absolute path, so with a target directory shared by
// two checkouts it would watch the other one's and miss this one's changes.
// Paths given here are read from this package, in whichever checkout builds it.
fn main() {
    println!("cargo:rerun-if-changed=../../transform/src");
    println!("cargo:rerun-if-changed=../../transform/tests");
    println!("cargo:rerun-if-changed=../../../runtime/spec.json");
    println!("cargo:rerun-if-changed=../../../babel-plugin/src/schedulers.json");
}
