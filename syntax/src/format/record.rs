//! A record as the formatter sees it, and how it is laid out on the grid.
//!
//! A record flattens into parts: columns, the whitespace (and continuations) between them, the
//! tail (`{...}`, `; ...` or `;; ...`, kept as written) and the trailing comment. Only the
//! whitespace between parts is rewritten; the text of every column, tail and comment is copied.
//!
//! A continuation (`\` at the end of a line) stays where it is. Inside a column it is glue that
//! Shorewall removes; when the text before it ends in `,` or `:`, Shorewall also drops the next
//! line's indentation, so we re-indent that line under the column's start. Otherwise the next
//! line's start is part of the column's text and is copied as it is. Between columns, the
//! continuation goes after one space and the next line is indented to the next column.
//!
//! The record is read from the green tree, and its parts are slices of the file's text: this
//! is the formatter's hot loop, and red nodes would cost an allocation each.

use std::ops::Range;

use rowan::{GreenNodeData, Language, NodeOrToken};

use crate::{ShorewallLanguage, SyntaxKind};

use super::columns::{width, Grid, GridBuilder};

#[derive(Debug)]
pub(super) struct FlatRecord<'a> {
    /// The whole file; text `Range`s index into it.
    text: &'a str,
    parts: Vec<Part<'a>>,
    /// The atoms of all columns; a column holds a range of them.
    atoms: Vec<Atom<'a>>,
    /// Scratch space for the items of one column or tail.
    items: Vec<Item<'a>>,
}

#[derive(Debug)]
enum Part<'a> {
    /// A column: its atoms in `FlatRecord::atoms`.
    Column(Range<usize>),
    /// Whitespace between parts, with the continuations in it.
    Space(Vec<Glue<'a>>),
    /// `{...}`, `; ...` or `;; ...` as written, without whitespace or continuations at its end.
    Tail {
        text: &'a str,
        kind: SyntaxKind,
    },
    Comment(&'a str),
}

#[derive(Debug)]
enum Atom<'a> {
    Text(Range<usize>),
    Glue(Glue<'a>),
}

/// A continuation: `\`, maybe a comment, the newline.
#[derive(Debug, Clone, Copy)]
struct Glue<'a> {
    /// `\` and what follows it before the newline, without trailing whitespace.
    head: &'a str,
    newline: &'a str,
    /// Whether Shorewall drops the next line's indentation (the text before `\` ends in `,` or
    /// `:`), so that we may write any indentation there.
    suppressed: bool,
}

/// Characters Shorewall's `\s` matches inside a line.
pub(super) const LINE_SPACE: [char; 5] = [' ', '\t', '\x0B', '\x0C', '\r'];

fn kind(raw: rowan::SyntaxKind) -> SyntaxKind {
    ShorewallLanguage::kind_from_raw(raw)
}

fn len(element: NodeOrToken<&GreenNodeData, &rowan::GreenTokenData>) -> usize {
    let len = match element {
        NodeOrToken::Node(node) => node.text_len(),
        NodeOrToken::Token(token) => token.text_len(),
    };
    usize::from(len)
}

/// A token or a continuation inside a node, with where it is in the file.
#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    Token {
        kind: SyntaxKind,
        range: (usize, usize),
    },
    Glue {
        node: &'a GreenNodeData,
        start: usize,
    },
}

/// The tokens and continuations of `node`, which starts at `start`, in order.
fn items<'a>(node: &'a GreenNodeData, start: usize, out: &mut Vec<Item<'a>>) {
    let mut pos = start;
    for child in node.children() {
        let end = pos + len(child);
        match child {
            NodeOrToken::Token(token) => out.push(Item::Token {
                kind: kind(token.kind()),
                range: (pos, end),
            }),
            NodeOrToken::Node(child) if kind(child.kind()) == SyntaxKind::LINE_CONTINUATION => out
                .push(Item::Glue {
                    node: child,
                    start: pos,
                }),
            NodeOrToken::Node(child) => items(child, pos, out),
        }
        pos = end;
    }
}

/// Splits the record `node`, which starts at byte `start` of `text`, into parts, or `None`
/// when its shape is one the layout does not handle (then the record is only trimmed).
pub(super) fn flatten<'a>(
    node: &'a GreenNodeData,
    text: &'a str,
    start: usize,
) -> Option<FlatRecord<'a>> {
    let mut record = FlatRecord {
        text,
        parts: Vec::new(),
        atoms: Vec::new(),
        items: Vec::new(),
    };
    let mut line = Joined::default();
    let mut pos = start;
    for child in node.children() {
        let end = pos + len(child);
        let slice = text.get(pos..end)?;
        match child {
            NodeOrToken::Token(token) => match kind(token.kind()) {
                SyntaxKind::WHITESPACE => {
                    record.push_space(None);
                    line.text(slice);
                }
                SyntaxKind::COMMENT => {
                    record
                        .parts
                        .push(Part::Comment(slice.trim_end_matches(LINE_SPACE)));
                }
                _ => return None,
            },
            NodeOrToken::Node(child) => match kind(child.kind()) {
                SyntaxKind::LINE_CONTINUATION => {
                    let glue = line.glue(child, text, pos)?;
                    record.push_space(Some(glue));
                }
                SyntaxKind::COLUMN => record.column(child, pos, &mut line)?,
                SyntaxKind::PAIR_BLOCK | SyntaxKind::PAIR_TAIL | SyntaxKind::RAW_MATCHES => {
                    record.tail(child, pos, &mut line)?;
                }
                _ => return None,
            },
        }
        pos = end;
    }
    let parts = &record.parts;
    // A continuation before the first column would have to stay at the start of its line.
    if let Some(Part::Space(glues)) = parts.first() {
        if !glues.is_empty() {
            return None;
        }
    }
    // Only whitespace may follow a comment.
    if let Some(idx) = parts.iter().position(|it| matches!(it, Part::Comment(_))) {
        let rest_ok = parts.iter().skip(idx + 1).all(|it| match it {
            Part::Space(glues) => glues.is_empty(),
            _ => false,
        });
        if !rest_ok {
            return None;
        }
    }
    Some(record)
}

/// The logical line as Shorewall joins it, as far as continuations care.
#[derive(Debug, Default)]
struct Joined {
    /// The last character so far, continuation glue left out.
    last: Option<char>,
    /// Whether a continuation came after the last text.
    after_glue: bool,
}

impl Joined {
    fn text(&mut self, text: &str) {
        if let Some(ch) = text.chars().last() {
            self.last = Some(ch);
            self.after_glue = false;
        }
    }

    /// A `LINE_CONTINUATION` node at byte `start` of `text`: `\`, optional whitespace and
    /// comment, the newline, and the indentation that Shorewall drops.
    ///
    /// A line holding only `\` after a line that ends in `,` or `:` is read differently by
    /// Shorewall (it still drops the indentation that follows) and by the parser (it does
    /// not), so such a record is left alone.
    fn glue<'a>(&mut self, node: &GreenNodeData, text: &'a str, start: usize) -> Option<Glue<'a>> {
        let suppressed = matches!(self.last, Some(',' | ':'));
        if suppressed && self.after_glue {
            return None;
        }
        self.after_glue = true;
        let mut pos = start;
        let mut newline: Option<Range<usize>> = None;
        let mut indented = false;
        for child in node.children() {
            let end = pos + len(child);
            match (child, &newline) {
                (NodeOrToken::Token(token), None) if kind(token.kind()) == SyntaxKind::NEWLINE => {
                    newline = Some(pos..end);
                }
                (NodeOrToken::Token(token), Some(_))
                    if kind(token.kind()) == SyntaxKind::WHITESPACE =>
                {
                    indented = true;
                }
                (NodeOrToken::Token(_), None) => {}
                _ => return None,
            }
            pos = end;
        }
        let newline = newline?;
        let head = text.get(start..newline.start)?;
        // The parser keeps the indentation in the glue only where Shorewall drops it.
        if indented && !suppressed || !head.starts_with('\\') {
            return None;
        }
        Some(Glue {
            head: head.trim_end_matches(LINE_SPACE),
            newline: text.get(newline)?,
            suppressed,
        })
    }
}

impl<'a> FlatRecord<'a> {
    /// Adds whitespace (and a continuation in it) after the last part, joining a `Space` there.
    fn push_space(&mut self, glue: Option<Glue<'a>>) {
        if let Some(Part::Space(glues)) = self.parts.last_mut() {
            glues.extend(glue);
            return;
        }
        self.parts.push(Part::Space(glue.into_iter().collect()));
    }

    /// Adds a `COLUMN` node's atoms; continuations at its very start or end go to the
    /// whitespace around it.
    fn column(&mut self, node: &'a GreenNodeData, start: usize, line: &mut Joined) -> Option<()> {
        let mut found = std::mem::take(&mut self.items);
        found.clear();
        items(node, start, &mut found);
        let first = self.atoms.len();
        let mut leading = Vec::new();
        for item in &found {
            match *item {
                Item::Glue { node, start } => {
                    let glue = line.glue(node, self.text, start)?;
                    if self.atoms.len() == first {
                        leading.push(glue);
                    } else {
                        self.atoms.push(Atom::Glue(glue));
                    }
                }
                Item::Token {
                    range: (start, end),
                    ..
                } => {
                    line.text(self.text.get(start..end)?);
                    let own = self.atoms.len() > first;
                    match self.atoms.last_mut() {
                        Some(Atom::Text(range)) if own && range.end == start => range.end = end,
                        _ => self.atoms.push(Atom::Text(start..end)),
                    }
                }
            }
        }
        self.items = found;
        let last_text = self
            .atoms
            .iter()
            .rposition(|it| matches!(it, Atom::Text(_)))
            .filter(|it| *it >= first)?;
        let trailing: Vec<Atom<'a>> = self.atoms.drain(last_text + 1..).collect();
        for glue in leading {
            self.push_space(Some(glue));
        }
        self.parts.push(Part::Column(first..self.atoms.len()));
        for atom in trailing {
            if let Atom::Glue(glue) = atom {
                self.push_space(Some(glue));
            }
        }
        Some(())
    }

    /// Adds a tail: its text up to the white space and continuations at its end, which become
    /// the whitespace after it (the parser may put them inside the tail or after it).
    fn tail(&mut self, node: &'a GreenNodeData, start: usize, line: &mut Joined) -> Option<()> {
        let mut found = std::mem::take(&mut self.items);
        found.clear();
        items(node, start, &mut found);
        let mut trailing = Vec::new();
        while let Some(item) = found.last().copied() {
            match item {
                Item::Glue { node, start } => trailing.push((node, start)),
                Item::Token {
                    kind: SyntaxKind::WHITESPACE,
                    ..
                } => {}
                Item::Token { .. } => break,
            }
            found.pop();
        }
        let end = match found.last()? {
            Item::Token { range, .. } => range.1,
            Item::Glue { .. } => return None,
        };
        self.items = found;
        let text = self.text.get(start..end)?;
        line.text(text);
        self.parts.push(Part::Tail {
            text,
            kind: kind(node.kind()),
        });
        for (node, start) in trailing.into_iter().rev() {
            let glue = line.glue(node, self.text, start)?;
            self.push_space(Some(glue));
        }
        Some(())
    }
}

impl FlatRecord<'_> {
    /// Tells the grid how wide each column is where something follows it on the same line.
    pub(super) fn measure(&self, grid: &mut GridBuilder) {
        let mut column = 0usize;
        let mut pending: Option<(usize, u32)> = None;
        for part in &self.parts {
            match part {
                Part::Column(atoms) => {
                    let atoms = self.atoms.get(atoms.clone()).unwrap_or(&[]);
                    if let Some((idx, width)) = pending.take() {
                        grid.observe(idx, width);
                    }
                    pending = last_piece_width(self.text, atoms).map(|width| (column, width));
                    column += 1;
                }
                Part::Tail { .. } => {
                    if let Some((idx, width)) = pending.take() {
                        grid.observe(idx, width);
                    }
                    column += 1;
                }
                Part::Space(glues) if !glues.is_empty() => pending = None,
                Part::Space(_) => {}
                Part::Comment(_) => pending = None,
            }
        }
    }

    /// Writes the record laid out on `grid` (no final newline).
    pub(super) fn render(&self, grid: &Grid, out: &mut String) {
        let layout = grid.layout();
        let mut pos = 0u32;
        // Whether the current line has nothing on it yet.
        let mut fresh = true;
        let mut column = 0usize;
        for (idx, part) in self.parts.iter().enumerate() {
            match part {
                Part::Space(glues) => {
                    // A column or tail on the next line needs whitespace before it in the
                    // joined line; a comment or the end of the record does not, and then the
                    // `\` stays where the parser puts it, at the end of the column.
                    let separates = self
                        .parts
                        .get(idx + 1..)
                        .unwrap_or(&[])
                        .iter()
                        .any(|it| matches!(it, Part::Column(_) | Part::Tail { .. }));
                    for glue in glues {
                        if separates && !fresh && !out.ends_with([' ', '\t']) {
                            out.push(' ');
                        }
                        out.push_str(glue.head);
                        out.push_str(glue.newline);
                        pos = 0;
                        fresh = true;
                    }
                }
                Part::Column(atoms) => {
                    let atoms = self.atoms.get(atoms.clone()).unwrap_or(&[]);
                    let start = if fresh {
                        grid.start(column)
                    } else {
                        layout.next_start(grid.start(column), pos)
                    };
                    layout.pad(out, pos, start);
                    pos = start;
                    for atom in atoms {
                        match atom {
                            Atom::Text(range) => {
                                let text = self.text.get(range.clone()).unwrap_or("");
                                out.push_str(text);
                                pos = layout.advance(pos, text);
                            }
                            Atom::Glue(glue) => {
                                out.push_str(glue.head);
                                out.push_str(glue.newline);
                                pos = 0;
                                if glue.suppressed {
                                    layout.pad(out, 0, start);
                                    pos = start;
                                }
                            }
                        }
                    }
                    fresh = false;
                    column += 1;
                }
                Part::Tail { text, kind } => {
                    let after_block = matches!(
                        self.parts.get(idx.wrapping_sub(1)),
                        Some(Part::Tail {
                            kind: SyntaxKind::PAIR_BLOCK,
                            ..
                        })
                    );
                    let start = if fresh {
                        grid.start(column)
                    } else if after_block && *kind == SyntaxKind::RAW_MATCHES {
                        // FIXME: the parser reads `{...} ;;` as an error (the block's `}` is
                        // not found before the white space), so `;;` follows `}` directly
                        // until it does not.
                        pos
                    } else {
                        layout.next_start(grid.start(column), pos)
                    };
                    layout.pad(out, pos, start);
                    out.push_str(text);
                    pos = layout.advance(start, text);
                    fresh = false;
                    column += 1;
                }
                Part::Comment(text) => {
                    if !fresh {
                        let start = layout.round_up(pos.saturating_add(super::columns::GAP));
                        layout.pad(out, pos, start);
                    }
                    out.push_str(text);
                    fresh = false;
                }
            }
        }
    }
}

/// The width of the part of a column on the line where the next column follows, measured
/// from the column's start; `None` when a continuation restarts the column at the line start.
fn last_piece_width(text: &str, atoms: &[Atom<'_>]) -> Option<u32> {
    let mut res = 0u32;
    for atom in atoms {
        match atom {
            Atom::Text(range) => {
                res = res.saturating_add(width(text.get(range.clone()).unwrap_or("")))
            }
            Atom::Glue(glue) if glue.suppressed => res = 0,
            Atom::Glue(_) => return None,
        }
    }
    Some(res)
}
