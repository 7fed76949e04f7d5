//! Header comments: `#ACTION SOURCE DEST PROTO ...`, which name the columns below them, and
//! the second line some files give them (`#  PORT PORT(S) ...`) to finish two-word names.
//!
//! A header line starts with `#` and the name of the file's first column (`#ACTION` in rules,
//! `#ZONE` in zones, ...), and every cell is an upper-case name. Cells are separated by a tab
//! or at least two spaces; a single space stays inside a cell (`DEST PORT(S)`, `LOG LEVEL`).
//! A second line is a comment right after a header, with whitespace after the `#` and only
//! names in it; its first cell belongs to the header column it starts under, the next cells to
//! the columns after that one.

use crate::FileKind;

use super::columns::{width, Grid, GridBuilder, Layout, GAP};

/// One cell of a header line and the display column it starts at in the original line.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    text: String,
    pos: u32,
}

/// A header line: cell `k` names column `k`.
#[derive(Debug)]
pub(super) struct Header {
    cells: Vec<Cell>,
}

/// The second line of a header: cell `j` names column `first_column + j`.
#[derive(Debug)]
pub(super) struct HeaderContinuation {
    first_column: usize,
    cells: Vec<Cell>,
}

/// What a header in a file of some kind may say.
#[derive(Debug)]
pub(super) struct ColumnNames {
    /// The names a header may start with (without the `#`).
    first: Vec<&'static str>,
    /// Every column's name.
    all: Vec<&'static str>,
}

impl ColumnNames {
    pub(super) fn of(kind: FileKind) -> ColumnNames {
        let (mut first, mut all): (Vec<&'static str>, Vec<&'static str>) = (Vec::new(), Vec::new());
        // `?FORMAT` may change the columns, and the first one (conntrack's format 1 has no
        // ACTION).
        for format in 1..=3 {
            let columns = kind.columns(format);
            if let Some(column) = columns.first() {
                let names: &[&'static str] = match column.name {
                    // Sample stoppedrules files call their TARGET column ACTION.
                    "ACTION" | "TARGET" => &["ACTION", "TARGET"],
                    _ => std::slice::from_ref(&column.name),
                };
                for name in names {
                    if !first.contains(name) {
                        first.push(name);
                    }
                }
            }
            for column in columns {
                if !all.contains(&column.name) {
                    all.push(column.name);
                }
            }
        }
        ColumnNames { first, all }
    }
}

impl Header {
    pub(super) fn parse(comment: &str, names: &ColumnNames, layout: Layout) -> Option<Header> {
        let rest = comment.strip_prefix('#')?;
        if !rest.starts_with(|ch: char| ch.is_ascii_uppercase()) {
            return None;
        }
        let cells = split_known_names(cells(comment, 0, layout), names);
        let name = cells.first()?.text.strip_prefix('#')?;
        if cells.len() < 2 || !names.first.contains(&name) {
            return None;
        }
        let all_names = cells.iter().enumerate().all(|(idx, cell)| {
            let text = if idx == 0 { name } else { cell.text.as_str() };
            is_name(text)
        });
        all_names.then_some(Header { cells })
    }

    pub(super) fn measure(&self, grid: &mut GridBuilder) {
        for (column, cell) in self.cells.iter().enumerate().rev().skip(1) {
            grid.observe(column, width(&cell.text));
        }
    }

    /// Writes the header on the grid and returns where each cell went.
    pub(super) fn render(&self, grid: &Grid, out: &mut String) -> Vec<u32> {
        let layout = grid.layout();
        let mut starts = Vec::with_capacity(self.cells.len());
        let mut pos = 0u32;
        for (column, cell) in self.cells.iter().enumerate() {
            let start = if column == 0 {
                0
            } else {
                layout.next_start(grid.start(column), pos)
            };
            layout.pad(out, pos, start);
            out.push_str(&cell.text);
            pos = layout.advance(start, &cell.text);
            starts.push(start);
        }
        starts
    }
}

impl HeaderContinuation {
    /// `comment` continues `header` if it is `#`, whitespace, then names; its first name must
    /// start under a column after the first (under the first it would touch the `#`).
    pub(super) fn parse(
        comment: &str,
        header: &Header,
        layout: Layout,
    ) -> Option<HeaderContinuation> {
        let rest = comment.strip_prefix('#')?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let cells = cells(rest, 1, layout);
        let pos = cells.first()?.pos;
        let first_column = header.cells.iter().rposition(|it| it.pos <= pos)?;
        let all_names = cells.iter().all(|it| is_name(&it.text));
        (first_column > 0 && all_names).then_some(HeaderContinuation {
            first_column,
            cells,
        })
    }

    pub(super) fn measure(&self, grid: &mut GridBuilder) {
        for (idx, cell) in self.cells.iter().enumerate().rev().skip(1) {
            grid.observe(self.first_column + idx, width(&cell.text));
        }
    }

    /// Writes the line under the header whose cells went to `header_starts`.
    pub(super) fn render(&self, grid: &Grid, header_starts: &[u32], out: &mut String) {
        let layout = grid.layout();
        out.push('#');
        let mut pos = 1u32;
        for (idx, cell) in self.cells.iter().enumerate() {
            let column = self.first_column + idx;
            let aim = header_starts
                .get(column)
                .copied()
                .unwrap_or_else(|| grid.start(column));
            let least = if idx == 0 { 1 } else { GAP };
            let start = aim.max(layout.round_up(pos.saturating_add(least)));
            layout.pad(out, pos, start);
            out.push_str(&cell.text);
            pos = layout.advance(start, &cell.text);
        }
    }
}

/// Splits `line`, which starts at display column `pos`, into cells. The first word is a cell
/// of its own; after it, if the author separated some words by a tab or two spaces or more, a
/// single space stays inside a cell (`DEST PORT(S)`); otherwise every word is a cell.
fn cells(line: &str, mut pos: u32, layout: Layout) -> Vec<Cell> {
    // Each word with its start and the whitespace before it.
    let mut words: Vec<(Cell, String)> = Vec::new();
    let mut gap = String::new();
    let mut in_word = false;
    for ch in line.chars() {
        if ch == ' ' || ch == '\t' {
            gap.push(ch);
            in_word = false;
        } else if in_word {
            if let Some((word, _)) = words.last_mut() {
                word.text.push(ch);
            }
        } else {
            let cell = Cell {
                text: ch.to_string(),
                pos,
            };
            words.push((cell, std::mem::take(&mut gap)));
            in_word = true;
        }
        pos = layout.advance(pos, ch.encode_utf8(&mut [0; 4]));
    }
    let wide = |gap: &str| gap.contains('\t') || gap.len() >= 2;
    let aligned = words.iter().skip(2).any(|(_, gap)| wide(gap));
    let mut res: Vec<Cell> = Vec::new();
    for (idx, (word, gap)) in words.into_iter().enumerate() {
        match res.last_mut() {
            Some(cell) if idx >= 2 && aligned && !wide(&gap) => {
                cell.text.push_str(&gap);
                cell.text.push_str(&word.text);
            }
            _ => res.push(word),
        }
    }
    res
}

/// Splits a cell whose words are all column names (`SOURCE DEST` written with one space) into
/// one cell per word; `DEST PORT(S)` or `LOG LEVEL` stay whole.
fn split_known_names(cells: Vec<Cell>, names: &ColumnNames) -> Vec<Cell> {
    let mut res = Vec::with_capacity(cells.len());
    for cell in cells {
        let words: Vec<&str> = cell.text.split(' ').collect();
        if words.len() < 2 || !words.iter().all(|it| names.all.contains(it)) {
            res.push(cell);
            continue;
        }
        let mut pos = cell.pos;
        for word in words {
            res.push(Cell {
                text: word.to_owned(),
                pos,
            });
            pos = pos.saturating_add(width(word)).saturating_add(1);
        }
    }
    res
}

/// An upper-case column name, or several separated by single spaces: `DPORT`, `PORT(S)`,
/// `USER/`, `LIMIT:BURST`, `DEST PORT(S)`.
fn is_name(text: &str) -> bool {
    text.split(' ').all(|word| {
        let mut chars = word.chars();
        chars.next().is_some_and(|it| it.is_ascii_uppercase())
            && chars
                .all(|it| it.is_ascii_uppercase() || it.is_ascii_digit() || "_/().:+-".contains(it))
    })
}
