//! `sqlx::migrate!` embeds `migrations/` at compile time, but cargo only recompiles when a Rust
//! source changes: without this, a new migration file is silently missing from the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
