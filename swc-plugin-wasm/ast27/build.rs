// The plugin's sources are ../src, and the table of builds it embeds
// ../compat/builds.json, outside this package: Cargo records such files by
// absolute path, so with a target directory shared by two checkouts it would
// watch the other one's and miss this one's changes. Paths given here are
// read from this package, in whichever checkout builds it.
fn main() {
    println!("cargo:rerun-if-changed=../src");
    println!("cargo:rerun-if-changed=../compat/builds.json");
}
