//! Text that came from a policy, a file or the kernel, made safe to show (SPEC §9).
//!
//! One definition of the characters that can change how text displays or where a line
//! ends, used everywhere such text leaves tcppolicy: on a terminal (rationale, names,
//! paths, values in every human output), in the comment lines of drop-ins and tasks
//! files, and in the rule that a rationale needs at least one visible character.
//!
//! - **Line breaks** any tool may honour: `\n`, `\r`, vertical tab, form feed, NEL,
//!   U+2028, U+2029 (systemd-sysctl ends a line at `\r`; editors at all of them).
//! - **Controls**: every C0 and C1 control and DEL, including ESC (terminal escape
//!   sequences such as `ESC[4A ESC[2K` that move the cursor and erase lines).
//! - **Invisible formatting**: zero-width characters, bidi embeddings, overrides and
//!   isolates, the word joiner and invisible operators, the byte-order mark, the Arabic
//!   letter mark and the Mongolian vowel separator (Trojan Source, CVE-2021-42574).
//!
//! Escaped characters are written as `\u{1b}`: visible, unambiguous, and the same in a
//! terminal line and in a drop-in comment.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Most characters a rationale (or an `allow` reason) may have. A rationale is a few
/// sentences; the cap keeps every generated file and report small (SPEC §9).
pub const MAX_RATIONALE_CHARS: usize = 4000;

/// Characters after which an editor, `sysctl -p` or systemd-sysctl may start a new line.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Invisible formatting characters that change how text displays.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{061c}'
            | '\u{180e}'
            | '\u{00ad}'
    )
}

/// Whether `c` must never reach a terminal or a generated file as itself: a control
/// character (C0, DEL, C1) or an invisible formatting character. Line breaks other than
/// `\n` are controls or in this set too.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible_format(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether `c` is white space by ECMA-262's definition (which the JSON Schema's `\s`
/// uses, and which includes U+FEFF) or NEL.
pub fn is_blank(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0b}'
            | '\u{0c}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// Whether `text` has at least one character a reader can see: neither white space nor
/// a control nor an invisible formatting character, nor part of a terminal escape
/// sequence (`ESC[8m` is all it takes to hide what follows on a terminal).
pub fn has_visible(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // ESC [ ... final, ESC ] ... BEL/ST, ESC + one character.
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | '_' | '^' | 'X') => skip_string(&mut chars),
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' | '\u{98}' => skip_string(&mut chars),
            c if !is_blank(c) && !is_unsafe(c) => return true,
            _ => {}
        }
    }
    false
}

/// Skip a CSI sequence's parameters, intermediates and final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// Skip an OSC/DCS/APC/PM/SOS string up to BEL or ST (`ESC \`, U+009C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' if chars.peek() == Some(&'\\') => {
                chars.next();
                break;
            }
            _ => {}
        }
    }
}

/// Whether `text` has one character outside white space, controls and invisible
/// formatting: exactly what [`VISIBLE_PATTERN`] matches, for the schema's fast path.
/// (It does not know escape sequences; [`has_visible`] does, and the compiler checks
/// rationales with it after the schema.)
pub fn has_visible_char(text: &str) -> bool {
    text.chars().any(|c| !is_blank(c) && !is_unsafe(c))
}

/// The JSON Schema pattern equivalent to [`has_visible_char`]: one character outside
/// white space, controls and invisible formatting.
pub const VISIBLE_PATTERN: &str = "[^\\s\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff]";

/// `text` for one line of human output: every unsafe character, `\n` included, written
/// as `\u{..}`. Borrowed when nothing needed escaping.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// `text` for human output that may span lines: like [`escape_line`] but `\n` is kept.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && is_unsafe(c))
}

fn escape_where(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` on one line with every unsafe character written as `\u{..}` (the same as
/// [`escape_line`]).
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_line(text)
}

/// The lines of `text` (split at `\n`, `\r\n`, `\r`), each escaped with [`escape`], so a
/// multi-line rationale keeps its line structure and nothing else.
pub fn escaped_lines(text: &str) -> Vec<String> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .map(|l| escape(l).into_owned())
        .collect()
}

/// `text` with every unsafe character replaced by visible ASCII of the same UTF-8 length
/// (`?` per byte), so byte offsets into it stay valid: for showing source text with
/// spans, as diagnostic snippets do.
pub fn mask_preserving_offsets(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && c != '\t' && is_unsafe(c) {
            for _ in 0..c.len_utf8() {
                out.push('?');
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value quoted in backticks for a message: at most `max` characters, the rest counted
/// rather than shown (a whole file read as one string must not become a one-line message).
pub fn quoted_excerpt(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return format!("`{text}`");
    }
    let head: String = text.chars().take(max).collect();
    format!("`{head}…` ({total} characters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_excerpt_keeps_short_text_and_counts_the_rest() {
        assert_eq!(quoted_excerpt("abc", 3), "`abc`");
        assert_eq!(quoted_excerpt("abcdé", 3), "`abc…` (5 characters)");
    }

    #[test]
    fn terminal_escapes_and_invisible_characters_are_escaped() {
        let hostile = "ok\u{1b}[4A\u{1b}[2K= in sync\u{9b}2J\u{202e}cba\u{200b}\u{7}";
        let line = escape_line(hostile);
        assert!(!line.chars().any(is_unsafe), "{line}");
        assert!(line.contains("\\u{1b}[4A"), "{line}");
        assert_eq!(escape_line("plain text"), Cow::Borrowed("plain text"));
        assert_eq!(escape_text("a\nb\rc"), "a\nb\\u{d}c");
        assert_eq!(escape_line("a\nb"), "a\\u{a}b");
    }

    #[test]
    fn visible_means_something_a_reader_sees() {
        for invisible in [
            "",
            "   ",
            "\u{200b}\u{200b}",
            "\u{1b}[8m",
            "\u{feff}\u{85}\u{2028}",
            "\u{202e}\u{2066}",
            "\t\u{7}\u{9b}",
        ] {
            assert!(!has_visible(invisible), "{invisible:?}");
        }
        for visible in [
            "x",
            " Fail fast ",
            "\u{1b}[8mhidden",
            "監聽",
            "\u{1b}]0;t\u{7}x",
        ] {
            assert!(has_visible(visible), "{visible:?}");
        }
        for hidden in [
            "\u{1b}[8m",
            "\u{1b}[4A\u{1b}[2K",
            "\u{1b}]0;title\u{7}",
            "\u{9b}31m",
        ] {
            assert!(!has_visible(hidden), "{hidden:?}");
            assert!(
                has_visible_char(hidden),
                "the schema alone would pass {hidden:?}"
            );
        }
    }

    #[test]
    fn lines_keep_line_breaks_only() {
        assert_eq!(
            escaped_lines("a\r\nb\rc\nd\u{1b}"),
            ["a", "b", "c", "d\\u{1b}"]
        );
        assert_eq!(
            escape("\u{85}\u{9b}\u{7f}\t"),
            "\\u{85}\\u{9b}\\u{7f}\\u{9}"
        );
    }

    #[test]
    fn masking_keeps_offsets() {
        let text = "a\u{1b}b\u{202e}c\u{85}d\n";
        let masked = mask_preserving_offsets(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "a?b???c??d\n");
    }
}
