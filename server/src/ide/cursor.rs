//! What is under the cursor: the logical line around an offset, parsed on its own, and the
//! column the cursor is in.
//!
//! Shorewall reads a file one logical line at a time (physical lines joined by a trailing `\`),
//! and a line means the same wherever it is, except for the `?FORMAT` in effect. So the features
//! that look at one place (completion, hover, navigation) parse only that line, with the
//! `?FORMAT` found before it: a few microseconds, where a 10,000-line file takes milliseconds.

use shorewall_syntax::{
    ast::{self, AstNode},
    parse, ColumnSpec, FileType, Parse, SyntaxKind, SyntaxNode, SyntaxToken, TextRange, TextSize,
};

/// One logical line of a file, parsed alone.
pub(crate) struct LocalLine {
    /// Where the line starts in the file.
    start: TextSize,
    /// The length of the `?FORMAT n` line put before the line's text.
    prefix_len: TextSize,
    parse: Parse,
    /// The `?FORMAT` in effect at the line.
    pub(crate) format: u32,
    pub(crate) file_type: FileType,
}

impl LocalLine {
    /// The logical line of `text` that contains `offset` (clamped to the text).
    pub(crate) fn at(text: &str, file_type: FileType, offset: TextSize) -> LocalLine {
        let offset = usize::from(offset).min(text.len());
        let range = logical_line(text, offset);
        let format = if file_type.columns(1) == file_type.columns(2) {
            1
        } else {
            format_before(text, range.0)
        };
        // Only column files know `?FORMAT`; in params a `?` line would be shell.
        let prefix = if file_type.kind.is_columnar() {
            format!("?FORMAT {format}\n")
        } else {
            String::new()
        };
        let line = text.get(range.0..range.1).unwrap_or("");
        let parse = parse(&format!("{prefix}{line}"), file_type);
        LocalLine {
            start: TextSize::from(range.0 as u32),
            prefix_len: TextSize::of(prefix.as_str()),
            parse,
            format,
            file_type,
        }
    }

    /// Where the line starts in the file.
    pub(crate) fn start(&self) -> TextSize {
        self.start
    }

    /// The root of the line's tree (it starts with the synthetic `?FORMAT` line).
    pub(crate) fn syntax(&self) -> SyntaxNode {
        self.parse.syntax()
    }

    /// A range of the local tree as a range of the file.
    pub(crate) fn to_file(&self, range: TextRange) -> TextRange {
        let start = range.start().max(self.prefix_len) - self.prefix_len + self.start;
        let end = range.end().max(self.prefix_len) - self.prefix_len + self.start;
        TextRange::new(start, end)
    }

    fn to_local(&self, offset: TextSize) -> TextSize {
        offset.max(self.start) - self.start + self.prefix_len
    }

    /// The token at a file offset: the one containing it, or, at a boundary, the one that ends
    /// there if it is a name (so that hovering just after `net` still finds `net`).
    pub(crate) fn token_at(&self, offset: TextSize) -> Option<SyntaxToken> {
        let local = self.to_local(offset);
        let root = self.syntax();
        if local > root.text_range().end() {
            return None;
        }
        let tokens = root.token_at_offset(local);
        let mut best: Option<SyntaxToken> = None;
        for token in tokens {
            let better = match &best {
                None => true,
                Some(current) => rank(token.kind()) > rank(current.kind()),
            };
            if better {
                best = Some(token);
            }
        }
        best.filter(|it| it.text_range().start() >= self.prefix_len)
    }
}

/// Prefer names to punctuation, punctuation to blanks.
fn rank(kind: SyntaxKind) -> u8 {
    match kind {
        SyntaxKind::WORD | SyntaxKind::DOLLAR_REF | SyntaxKind::DIRECTIVE_NAME => 3,
        SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE => 0,
        SyntaxKind::COMMENT => 1,
        _ => 2,
    }
}

/// The byte range of the logical line around `offset`: from the start of its first physical
/// line to the end of its last (without the newline).
pub(crate) fn logical_line(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let line_start = |at: usize| -> usize {
        bytes
            .get(..at)
            .and_then(|it| it.iter().rposition(|&b| b == b'\n'))
            .map_or(0, |it| it + 1)
    };
    let line_end = |at: usize| -> usize {
        bytes
            .get(at..)
            .and_then(|it| it.iter().position(|&b| b == b'\n'))
            .map_or(text.len(), |it| at + it)
    };
    let mut start = line_start(offset);
    // Earlier physical lines that end in `\` belong to this logical line.
    while start > 0 {
        let previous = line_start(start - 1);
        if !continues(text.get(previous..start - 1).unwrap_or("")) {
            break;
        }
        start = previous;
    }
    let mut end = line_end(offset);
    while end < text.len() && continues(text.get(line_start(end)..end).unwrap_or("")) {
        end = line_end(end + 1);
    }
    (start, end)
}

/// Whether a physical line is continued by the next one: it ends in `\`, a comment aside.
fn continues(line: &str) -> bool {
    let content = match line.find('#') {
        Some(idx) => line.get(..idx).unwrap_or(line),
        None => line,
    };
    content.trim_end().ends_with('\\')
}

/// The `?FORMAT` (or 4.4 `FORMAT`) in effect at `offset`: the last one before it, else 1.
pub(crate) fn format_before(text: &str, offset: usize) -> u32 {
    let mut res = 1;
    for line in text.get(..offset).unwrap_or("").lines() {
        let line = line.trim_start();
        let rest = line
            .strip_prefix("?FORMAT")
            .or_else(|| line.strip_prefix("?format"))
            .or_else(|| line.strip_prefix("FORMAT"));
        if let Some(value) = rest.and_then(|it| it.split('#').next()) {
            if let Ok(number) = value.trim().parse() {
                res = number;
            }
        }
    }
    res
}

/// The column a node of a record is in: its spec, from its position or its `name=` pair.
pub(crate) fn column_spec(
    record: &ast::Record,
    column: &ast::Column,
    specs: &'static [ColumnSpec],
) -> Option<ColumnSpec> {
    if let Some(pair) = column.syntax().parent().and_then(ast::Pair::cast) {
        let name = pair.name()?.to_ascii_lowercase();
        return specs
            .iter()
            .find(|it| it.keys.contains(&name.as_str()))
            .copied();
    }
    let idx = record.columns().position(|it| it == *column)?;
    specs.get(idx).copied()
}

/// The innermost column around a token, with its record.
pub(crate) fn column_of(token: &SyntaxToken) -> Option<(ast::Record, ast::Column)> {
    let column = token
        .parent_ancestors()
        .filter_map(ast::Column::cast)
        .last()?;
    let record = column.syntax().ancestors().find_map(ast::Record::cast)?;
    Some((record, column))
}

/// The columns of the text before the cursor on a logical line, split as Shorewall splits
/// them (blanks outside parentheses; `\` + newline is a blank): the finished columns and the
/// one being typed. `None` once the line has a `;` tail or a `{` block, or is a comment.
pub(crate) fn typed_columns(before: &str) -> Option<(Vec<&str>, &str, usize)> {
    let mut finished = Vec::new();
    let mut depth = 0usize;
    let mut column_start: Option<usize> = None;
    for (idx, ch) in before.char_indices() {
        match ch {
            '#' => return None,
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' | '{' if depth == 0 => return None,
            _ => {}
        }
        let blank = ch.is_whitespace() || ch == '\\';
        if blank && depth == 0 {
            if let Some(start) = column_start.take() {
                finished.push(before.get(start..idx).unwrap_or(""));
            }
        } else if column_start.is_none() {
            column_start = Some(idx);
        }
    }
    let current_start = column_start.unwrap_or(before.len());
    Some((
        finished,
        before.get(current_start..).unwrap_or(""),
        current_start,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shorewall_syntax::{Family, FileKind};

    #[test]
    fn logical_lines_join_continuations() {
        let text = "A b\nC \\\n  d # x\nE";
        assert_eq!(logical_line(text, 0), (0, 3));
        assert_eq!(logical_line(text, 5), (4, 15));
        assert_eq!(logical_line(text, 10), (4, 15));
        assert_eq!(logical_line(text, 16), (16, 17));
        assert_eq!(logical_line(text, 17), (16, 17));
    }

    #[test]
    fn local_ranges_map_back_to_the_file() {
        let text = "?FORMAT 2\n# x\nnet eth0 dhcp\n";
        let file_type = FileType::new(FileKind::Interfaces, Family::Ipv6);
        let line = LocalLine::at(text, file_type, TextSize::from(20));
        assert_eq!(line.format, 2);
        let token = line.token_at(TextSize::from(20)).map(|it| {
            let range = line.to_file(it.text_range());
            (it.text().to_owned(), range)
        });
        assert_eq!(
            token,
            Some((
                "eth0".to_owned(),
                TextRange::new(TextSize::from(18), TextSize::from(22))
            ))
        );
    }

    #[test]
    fn typed_columns_split_outside_parentheses() {
        assert_eq!(
            typed_columns("SSH(ACCEPT, x) net:e"),
            Some((vec!["SSH(ACCEPT, x)"], "net:e", 15))
        );
        assert_eq!(typed_columns("ACCEPT "), Some((vec!["ACCEPT"], "", 7)));
        assert_eq!(typed_columns("ACCEPT net ; proto=tcp"), None);
    }
}
