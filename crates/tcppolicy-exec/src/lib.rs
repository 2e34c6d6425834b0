//! tcppolicy-exec: the executors. Every target — the live kernel, sysctl.d drop-ins,
//! Ansible tasks files — is an [`executor::Executor`] with the same shape: observe the
//! target, ask `tcppolicy_core::plan` for the diff, apply, and return one
//! [`report::Report`] (SPEC §5).
//!
//! **Architecture Invariant:** executors never print; they return reports the CLI renders.
//!
//! **Architecture Invariant:** files are opened only through [`files`] (regular files
//! only, capped reads, `--root` resolved by the kernel, atomic writes that never follow a
//! link); `/proc/sys` only through [`sysctl`].

pub mod ansible;
pub mod drift;
pub mod executor;
pub mod files;
pub mod git;
pub mod import;
pub mod journal;
pub mod k8s;
pub mod live;
pub mod lock;
pub mod report;
pub mod signals;
pub mod sysctl;
pub mod sysctld;
pub mod system;
pub mod systemd;
pub mod tasks;
