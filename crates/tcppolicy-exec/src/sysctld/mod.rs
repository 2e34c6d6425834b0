//! The `sysctl.d` target: rendering drop-ins, reading and writing them inside a root,
//! and analysing which file wins at boot for each key (shadowing).
//!
//! - [`render`](render()) turns an effective policy into a drop-in whose only non-comment
//!   lines are the policy's `key = value` assignments (see the invariant in the
//!   [`render` module](mod@render));
//! - [`DropIn`] is the target's [`Executor`](crate::executor::Executor): it reads the
//!   drop-in on disk for the per-key diff, refuses foreign files, and writes atomically;
//! - [`parse`](parse()) reads sysctl.d files as systemd-sysctl and `sysctl -p` do;
//! - [`analyse`] lists, per key, every file that sets it and the winner at boot under
//!   systemd-sysctl and `sysctl --system` rules.
//!
//! Every path a caller gives is a path on the target (`/etc/sysctl.d/...`), resolved
//! inside a [`Root`](crate::files::Root) by the kernel.

pub mod parse;
pub mod render;
pub mod shadow;
pub mod target;

pub use parse::{Assignment, normalize_key, parse, parse_as};
pub use render::{
    Rendered, comment_lines, default_path, file_stem, render, rendered, rendered_value,
};
pub use shadow::{Analysis, KeyShadow, Rules, SEARCH_PATH, SYSCTL_CONF, Setter, analyse};
pub use target::{DropIn, HEADER, is_generated, observed, read_at_boot};
