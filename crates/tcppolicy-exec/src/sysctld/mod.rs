//! The `sysctl.d` target: rendering drop-ins, writing them atomically, and analysing which
//! file wins at boot for each key (shadowing).
//!
//! - [`render`](render()) turns an effective policy into a drop-in whose only non-comment
//!   lines are the policy's `key = value` assignments (see the invariant in the
//!   [`render` module](mod@render));
//! - [`write_atomic`] writes it only when its bytes change (temp file, fsync, rename,
//!   directory fsync, mode 0644);
//! - [`parse`](parse()) reads sysctl.d files as systemd-sysctl and `sysctl -p` do, and
//!   [`observe`](observe()) feeds the plan diff from the drop-in on disk;
//! - [`analyse`] lists, per key, every file that sets it and the winner at boot under
//!   systemd-sysctl and `sysctl --system` rules.
//!
//! Every path a caller gives is a path on the target (`/etc/sysctl.d/...`); `root`
//! (`/` normally, the image tree with `--root`) prefixes it, and links in the tree are
//! followed inside the root ([`target_path`]).

pub mod observe;
pub mod parse;
pub mod render;
pub mod root;
pub mod shadow;
pub mod write;

pub use observe::{load, observe, observed};
pub use parse::{Assignment, normalize_key, parse, parse_as};
pub use render::{Rendered, comment_lines, default_path, render, rendered, rendered_value};
pub use root::{host_path, target_path};
pub use shadow::{KeyShadow, Rules, SEARCH_PATH, SYSCTL_CONF, Setter, analyse};
pub use write::{PathError, WriteOutcome, write_atomic};
