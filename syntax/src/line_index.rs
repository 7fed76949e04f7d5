//! Byte offsets to (line, column) and back. Columns are counted in UTF-8 bytes here; the
//! editor edge converts them to UTF-16 or UTF-8 code units with [`LineIndex::to_wide`].

use rowan::{TextRange, TextSize};

/// A 0-based line and a 0-based column in bytes from the start of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The start offset of every line, plus where the non-ASCII characters are, so that conversion
/// to UTF-16 is cheap on the common all-ASCII line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    len: TextSize,
    /// For each line with non-ASCII text, its index and the (column, UTF-8 length) of each wide
    /// character, sorted.
    wide_chars: Vec<(u32, Vec<(u32, u32)>)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![TextSize::from(0)];
        let mut wide_chars = Vec::new();
        let mut line_wide = Vec::new();
        let mut line = 0u32;
        let mut line_start = 0usize;
        for (offset, ch) in text.char_indices() {
            if ch == '\n' {
                if !line_wide.is_empty() {
                    wide_chars.push((line, std::mem::take(&mut line_wide)));
                }
                line += 1;
                line_start = offset + 1;
                line_starts.push(TextSize::from((offset + 1) as u32));
            } else if !ch.is_ascii() {
                line_wide.push(((offset - line_start) as u32, ch.len_utf8() as u32));
            }
        }
        if !line_wide.is_empty() {
            wide_chars.push((line, line_wide));
        }
        LineIndex {
            line_starts,
            len: TextSize::of(text),
            wide_chars,
        }
    }

    pub fn len(&self) -> TextSize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == TextSize::from(0)
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// The line and byte column of `offset` (clamped to the text).
    pub fn line_col(&self, offset: TextSize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self
            .line_starts
            .partition_point(|&it| it <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or_default();
        LineCol {
            line: line as u32,
            col: u32::from(offset - start),
        }
    }

    /// [`line_col`](Self::line_col) for an offset on line `from` or after it, found by looking
    /// forward from there: for offsets in increasing order (the tokens of a file, in turn), a
    /// step or two instead of a binary search each.
    pub fn line_col_from(&self, offset: TextSize, from: u32) -> LineCol {
        let offset = offset.min(self.len);
        let mut line = (from as usize).min(self.line_starts.len().saturating_sub(1));
        if self
            .line_starts
            .get(line)
            .is_some_and(|&start| start > offset)
        {
            return self.line_col(offset);
        }
        while self
            .line_starts
            .get(line + 1)
            .is_some_and(|&next| next <= offset)
        {
            line += 1;
        }
        let start = self.line_starts.get(line).copied().unwrap_or_default();
        LineCol {
            line: line as u32,
            col: u32::from(offset - start),
        }
    }

    /// The offset of a line and byte column, or `None` if the line does not exist. A column
    /// past the end of the line is clamped to the line's end.
    pub fn offset(&self, pos: LineCol) -> Option<TextSize> {
        let start = *self.line_starts.get(pos.line as usize)?;
        let end = self.line_end(pos.line);
        Some((start + TextSize::from(pos.col)).min(end))
    }

    /// The offset of the end of a line's content (before its newline).
    pub fn line_end(&self, line: u32) -> TextSize {
        match self.line_starts.get(line as usize + 1) {
            Some(&next) => next - TextSize::from(1),
            None => self.len,
        }
    }

    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let start = *self.line_starts.get(line as usize)?;
        Some(TextRange::new(start, self.line_end(line)))
    }

    fn wide_on_line(&self, line: u32) -> &[(u32, u32)] {
        match self.wide_chars.binary_search_by_key(&line, |it| it.0) {
            Ok(idx) => &self.wide_chars[idx].1,
            Err(_) => &[],
        }
    }

    /// Converts a byte column to a column in code units of `width` bytes per BMP character
    /// (`utf16 = true` counts UTF-16 units, otherwise bytes are returned unchanged).
    pub fn to_wide(&self, pos: LineCol, utf16: bool) -> LineCol {
        if !utf16 {
            return pos;
        }
        let mut col = pos.col;
        for &(start, len) in self.wide_on_line(pos.line) {
            if start >= pos.col {
                break;
            }
            let units = if len == 4 { 2 } else { 1 };
            col -= len - units;
        }
        LineCol {
            line: pos.line,
            col,
        }
    }

    /// Converts a UTF-16 column back to a byte column. A column inside a character (between
    /// the halves of a surrogate pair) snaps to the character's start.
    pub fn from_wide(&self, pos: LineCol, utf16: bool) -> LineCol {
        if !utf16 {
            return pos;
        }
        let mut byte_col = 0u32;
        let mut units_seen = 0u32;
        for &(start, len) in self.wide_on_line(pos.line) {
            // ASCII run before this wide character.
            let run = start - byte_col;
            if units_seen + run >= pos.col {
                return LineCol {
                    line: pos.line,
                    col: byte_col + (pos.col - units_seen),
                };
            }
            units_seen += run;
            byte_col = start;
            let units = if len == 4 { 2 } else { 1 };
            if units_seen + units > pos.col {
                return LineCol {
                    line: pos.line,
                    col: byte_col,
                };
            }
            units_seen += units;
            byte_col += len;
        }
        LineCol {
            line: pos.line,
            col: byte_col + (pos.col - units_seen),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_wide() {
        let text = "ab\n\u{e9}x\u{1F600}y\r\nz";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_col(TextSize::from(4)),
            LineCol { line: 1, col: 1 }
        );
        // `y` is at byte column 7 (é=2, x=1, emoji=4) and UTF-16 column 4 (é=1, x=1, emoji=2).
        let y = LineCol { line: 1, col: 7 };
        assert_eq!(index.to_wide(y, true), LineCol { line: 1, col: 4 });
        assert_eq!(index.from_wide(LineCol { line: 1, col: 4 }, true), y);
        // Inside the surrogate pair: snaps to the emoji's start.
        assert_eq!(
            index.from_wide(LineCol { line: 1, col: 3 }, true),
            LineCol { line: 1, col: 3 }
        );
        assert_eq!(
            index.offset(LineCol { line: 2, col: 9 }),
            Some(TextSize::of(text))
        );
        assert_eq!(index.offset(LineCol { line: 3, col: 0 }), None);
    }

    #[test]
    fn looking_forward_from_a_line_finds_what_the_search_finds() {
        let text = "ab

c
def

g";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() as u32 + 2 {
            let offset = TextSize::from(offset);
            let wanted = index.line_col(offset);
            for from in 0..=index.line_count() + 1 {
                assert_eq!(
                    index.line_col_from(offset, from),
                    wanted,
                    "{offset:?} from {from}"
                );
            }
        }
    }
}
