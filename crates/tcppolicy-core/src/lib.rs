//! tcppolicy-core: the policy language, the parameter catalog, the compiler with its
//! diagnostics, and the pure plan diff.
//!
//! **Architecture Invariant:** nothing here touches `/proc`, `/etc` or prints. The compiler
//! reads policy files and returns the effective policy together with all diagnostics.

/// The version of every JSON document tcppolicy prints, under the one key
/// `format_version`: `check`, `catalog`, `plan`, `apply`, `recover` and `diff` (and the
/// saved plans and journals read back). A change to any document's shape is a new version.
pub const FORMAT_VERSION: u32 = 2;

pub mod allow;
pub mod catalog;
pub mod codes;
pub mod compile;
pub mod derived;
pub mod diagnostic;
pub mod effective;
pub mod k8s;
pub mod load;
pub mod model;
pub mod plan;
pub mod reader;
pub mod review;
pub mod rules;
pub mod schema;
pub mod source;
pub mod text;
pub mod typecheck;
pub mod value;
pub mod version;
