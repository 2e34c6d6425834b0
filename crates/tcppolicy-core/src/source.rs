//! Source files and byte spans.
//!
//! Every diagnostic points into a [`SourceFile`] by [`FileId`] and byte [`Span`]; line and
//! column are derived on demand so the model never stores positions twice.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A half-open byte range into a source file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte (inclusive).
    pub start: usize,
    /// Last byte (exclusive).
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given backwards).
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// An empty span at `at`.
    pub fn point(at: usize) -> Self {
        Span { start: at, end: at }
    }

    /// The byte range, for slicing.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A 1-based line and column (the column counts characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
}

/// One file the compiler read: its path as the user named it and its text.
///
/// Text that was not valid UTF-8 is kept lossily converted so a diagnostic can still
/// show the surrounding lines.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wrap `text` read from `path`.
    pub fn new(path: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// The path as given (relative paths stay relative, for readable output).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let mut column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        if line == 0 && offset > 0 && self.text.starts_with('\u{feff}') {
            column -= 1; // a byte-order mark is not a column
        }
        LineCol {
            line: to_u32(line + 1),
            column: to_u32(column),
        }
    }

    /// Byte offset where the 1-based `line` starts (clamped to the text).
    pub fn line_start(&self, line: u32) -> usize {
        let i = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        self.line_starts[i]
    }

    /// Byte offset where the 1-based `line` ends, before its `\n` (clamped to the text).
    pub fn line_end(&self, line: u32) -> usize {
        match self.line_starts.get(line.max(1) as usize) {
            Some(next) => next - 1,
            None => self.text.len(),
        }
    }

    /// Byte offset of a 1-based line and 1-based character column, if it exists.
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let mut start = *self.line_starts.get(line.checked_sub(1)?)?;
        if line == 1 && self.text.starts_with('\u{feff}') {
            start += '\u{feff}'.len_utf8();
        }
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let col = column.checked_sub(1)?;
        match line_text.char_indices().nth(col) {
            Some((i, _)) => Some(start + i),
            None => Some(start + line_text.len()),
        }
    }

    /// Byte offset of the `char_index`-th character.
    pub fn offset_of_char(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// All files one compilation read, so diagnostics can be rendered after the fact.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(to_u32(self.files.len() - 1))
    }

    /// The file behind an id.
    ///
    /// # Panics
    /// If the id did not come from this map (a programming error).
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Find a file by path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(to_u32(i)))
    }

    /// Every file, in the order read.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(to_u32(i)), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("x".into(), "a: 1\nbé: 2\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        let two = f.text().find('2').unwrap();
        assert_eq!(f.line_col(two), LineCol { line: 2, column: 5 });
        assert_eq!(f.offset_of(2, 5), Some(two));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let f = SourceFile::new("x".into(), "\u{feff}name: x\n".into());
        let x = f.text().find('x').unwrap();
        assert_eq!(f.line_col(x), LineCol { line: 1, column: 7 });
        assert_eq!(f.offset_of(1, 7), Some(x));
    }

    #[test]
    fn line_col_clamps_past_the_end() {
        let f = SourceFile::new("x".into(), "ab".into());
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 3 });
    }
}
