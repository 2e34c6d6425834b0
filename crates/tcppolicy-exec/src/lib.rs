//! tcppolicy-exec: the executors. They observe a target, ask `tcppolicy_core::plan` for the
//! diff, and make it so: the live kernel (through the [`sysctl::Sysctl`] trait, with a
//! lock, ordered writes, read-back and rollback), sysctl.d drop-ins (atomic writes and the
//! shadowing analysis), and Ansible tasks files.
//!
//! **Architecture Invariant:** executors never print; they return reports the CLI renders.

pub mod ansible;
pub mod git;
pub mod import;
pub mod live;
pub mod lock;
pub mod sysctl;
pub mod sysctld;
pub mod system;
