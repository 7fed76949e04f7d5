//! Protocol positions to byte offsets.
//!
//! A position is a line and a column in UTF-16 code units, or in bytes when the client chose
//! UTF-8. Positions past the end of a line mean its end (before a `\r\n`), positions past the
//! last line mean the end of the text, and a column inside a character means its start: no
//! position a client sends can make us split a character or panic.

use shorewall_syntax::{LineCol, LineIndex, TextRange, TextSize};
use tower_lsp::lsp_types::{Position, Range};

/// How columns are counted, as negotiated at `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PositionEncoding {
    Utf8,
    Utf16,
}

/// The byte offset of a position in `text` (indexed by `index`).
pub(crate) fn offset(
    index: &LineIndex,
    text: &str,
    position: Position,
    encoding: PositionEncoding,
) -> TextSize {
    if position.line >= index.line_count() {
        return index.len();
    }
    let wide = LineCol {
        line: position.line,
        col: position.character,
    };
    let byte = index.from_wide(wide, encoding == PositionEncoding::Utf16);
    let line_end = content_end(index, text, position.line);
    let mut res = index
        .offset(byte)
        .unwrap_or_else(|| index.len())
        .min(line_end);
    // A UTF-8 client may point inside a character: go back to its start.
    while !text.is_char_boundary(usize::from(res)) && res > TextSize::from(0) {
        res -= TextSize::from(1);
    }
    res
}

/// The end of a line's content: before its `\n`, and before a `\r` that comes with it.
fn content_end(index: &LineIndex, text: &str, line: u32) -> TextSize {
    let end = index.line_end(line);
    let has_cr = usize::from(end)
        .checked_sub(1)
        .and_then(|it| text.as_bytes().get(it))
        == Some(&b'\r');
    let has_newline = text.as_bytes().get(usize::from(end)) == Some(&b'\n');
    if has_cr && has_newline {
        end - TextSize::from(1)
    } else {
        end
    }
}

pub(crate) fn range(
    index: &LineIndex,
    text: &str,
    range: Range,
    encoding: PositionEncoding,
) -> TextRange {
    let start = offset(index, text, range.start, encoding);
    let end = offset(index, text, range.end, encoding);
    TextRange::new(start.min(end), end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, line: u32, character: u32, encoding: PositionEncoding) -> u32 {
        let index = LineIndex::new(text);
        u32::from(offset(&index, text, Position { line, character }, encoding))
    }

    #[test]
    fn utf16_and_utf8_columns() {
        // `é` is 2 bytes and 1 UTF-16 unit; the emoji 4 bytes and 2 units.
        // Bytes: `#` 0, ` ` 1, `é` 2..4, emoji 4..8, `x` 8; UTF-16: emoji 3..5, `x` 5.
        let text = "# é\u{1F600}x\nACCEPT";
        assert_eq!(at(text, 0, 3, PositionEncoding::Utf16), 4);
        assert_eq!(at(text, 0, 5, PositionEncoding::Utf16), 8);
        assert_eq!(at(text, 0, 8, PositionEncoding::Utf8), 8);
        // Inside the emoji (UTF-8) or between its surrogates (UTF-16): its start.
        assert_eq!(at(text, 0, 4, PositionEncoding::Utf16), 4);
        assert_eq!(at(text, 0, 5, PositionEncoding::Utf8), 4);
        assert_eq!(at(text, 0, 7, PositionEncoding::Utf8), 4);
    }

    #[test]
    fn out_of_range_and_crlf() {
        let text = "ab\r\ncd";
        assert_eq!(at(text, 0, 99, PositionEncoding::Utf16), 2);
        assert_eq!(at(text, 1, 99, PositionEncoding::Utf16), 6);
        assert_eq!(at(text, 7, 0, PositionEncoding::Utf16), 6);
    }
}
