//! Text from policies, files and the kernel, made safe to show (SPEC §9, terminal safety).
//!
//! Pure string functions: the core prints nothing, but every renderer that shows policy
//! text (rationale, description, names, paths, values) passes it through here first.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Invisible formatting characters that change how text displays (Trojan Source): bidi
/// marks, embeddings, overrides and isolates, zero-width characters, the BOM.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// Whether `c` must not reach a terminal or a rendered document as itself: C0 and C1
/// controls (ESC, CR, line breaks, tab, DEL) and invisible formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// `text` with every unsafe character written as `\u{..}`, on one line. Borrowed when
/// nothing needed escaping.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The lines of `text` (split at `\n`, `\r\n`, `\r`), each escaped with [`escape`], so a
/// multi-line rationale keeps its line structure and nothing else.
pub fn escaped_lines(text: &str) -> Vec<String> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .map(|l| escape(l).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invisible_formatting() {
        assert_eq!(escape("plain text, ünïcode"), "plain text, ünïcode");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("a\u{1b}[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(escape("x\u{202e}y\u{200b}z"), "x\\u{202e}y\\u{200b}z");
        assert_eq!(
            escape("\u{85}\u{9b}\u{7f}\t"),
            "\\u{85}\\u{9b}\\u{7f}\\u{9}"
        );
        assert_eq!(escape("a\nb"), "a\\u{a}b");
    }

    #[test]
    fn lines_keep_line_breaks_only() {
        assert_eq!(
            escaped_lines("a\r\nb\rc\nd\u{1b}"),
            ["a", "b", "c", "d\\u{1b}"]
        );
    }
}
