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

use crate::{SyntaxKind, SyntaxNode, SyntaxToken};

use super::columns::{width, Grid, GridBuilder};

#[derive(Debug)]
pub(super) struct FlatRecord {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Column(Vec<Atom>),
    /// Whitespace between parts, with the continuations in it.
    Space(Vec<Glue>),
    /// `{...}`, `; ...` or `;; ...` as written, without whitespace or continuations at its end.
    Tail {
        text: String,
        kind: SyntaxKind,
    },
    Comment(String),
}

#[derive(Debug)]
enum Atom {
    Text(String),
    Glue(Glue),
}

/// A continuation: `\`, maybe a comment, the newline.
#[derive(Debug, Clone)]
struct Glue {
    /// `\` and what follows it before the newline, without trailing whitespace.
    head: String,
    newline: String,
    /// Whether Shorewall drops the next line's indentation (the text before `\` ends in `,` or
    /// `:`), so that we may write any indentation there.
    suppressed: bool,
}

/// Characters Shorewall's `\s` matches inside a line.
pub(super) const LINE_SPACE: [char; 5] = [' ', '\t', '\x0B', '\x0C', '\r'];

/// Splits a record into parts, or `None` when its shape is one the layout does not handle
/// (then the record is only trimmed).
pub(super) fn flatten(record: &SyntaxNode) -> Option<FlatRecord> {
    let mut parts: Vec<Part> = Vec::new();
    let mut line = Joined::default();
    for element in record.children_with_tokens() {
        match element {
            rowan::NodeOrToken::Token(token) => match token.kind() {
                SyntaxKind::WHITESPACE => {
                    push_space(&mut parts, None);
                    line.text(token.text());
                }
                SyntaxKind::COMMENT => {
                    parts.push(Part::Comment(
                        token.text().trim_end_matches(LINE_SPACE).to_owned(),
                    ));
                }
                _ => return None,
            },
            rowan::NodeOrToken::Node(node) => match node.kind() {
                SyntaxKind::LINE_CONTINUATION => {
                    push_space(&mut parts, Some(line.glue(&node)?));
                }
                SyntaxKind::COLUMN => column(&node, &mut parts, &mut line)?,
                SyntaxKind::PAIR_BLOCK | SyntaxKind::PAIR_TAIL | SyntaxKind::RAW_MATCHES => {
                    tail(&node, &mut parts, &mut line)?;
                }
                _ => return None,
            },
        }
    }
    // A continuation before the first column would have to stay at the start of its line.
    if let Some(Part::Space(glues)) = parts.first() {
        if !glues.is_empty() {
            return None;
        }
    }
    // Only whitespace and the comment may follow a comment.
    let comment = parts.iter().position(|it| matches!(it, Part::Comment(_)));
    if let Some(idx) = comment {
        let rest_ok = parts.iter().skip(idx + 1).all(|it| match it {
            Part::Space(glues) => glues.is_empty(),
            _ => false,
        });
        if !rest_ok {
            return None;
        }
    }
    Some(FlatRecord { parts })
}

/// Adds a tail: its text up to the white space and continuations at its end, which become
/// the whitespace after it (the parser may put them inside the tail or after it).
fn tail(node: &SyntaxNode, parts: &mut Vec<Part>, line: &mut Joined) -> Option<()> {
    let tokens: Vec<SyntaxToken> = node
        .descendants_with_tokens()
        .filter_map(|it| it.into_token())
        .collect();
    let glue_of = |token: &SyntaxToken| {
        token
            .parent()
            .filter(|it| it.kind() == SyntaxKind::LINE_CONTINUATION)
    };
    let mut end = tokens.len();
    let mut trailing: Vec<SyntaxNode> = Vec::new();
    while let Some(token) = end.checked_sub(1).and_then(|idx| tokens.get(idx)) {
        if let Some(glue) = glue_of(token) {
            end = tokens
                .iter()
                .position(|it| glue_of(it).as_ref() == Some(&glue))
                .unwrap_or(0);
            trailing.push(glue);
        } else if token.kind() == SyntaxKind::WHITESPACE {
            end -= 1;
        } else {
            break;
        }
    }
    let text: String = tokens.get(..end)?.iter().map(|it| it.text()).collect();
    if text.is_empty() {
        return None;
    }
    line.text(&text);
    parts.push(Part::Tail {
        text,
        kind: node.kind(),
    });
    for glue in trailing.iter().rev() {
        push_space(parts, Some(line.glue(glue)?));
    }
    Some(())
}

/// Adds whitespace (and a continuation in it) after the last part, joining a `Space` there.
fn push_space(parts: &mut Vec<Part>, glue: Option<Glue>) {
    if let Some(Part::Space(glues)) = parts.last_mut() {
        glues.extend(glue);
        return;
    }
    parts.push(Part::Space(glue.into_iter().collect()));
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

    /// A `LINE_CONTINUATION` node: `\`, optional whitespace and comment, the newline, and the
    /// indentation that Shorewall drops.
    ///
    /// A line holding only `\` after a line that ends in `,` or `:` is read differently by
    /// Shorewall (it still drops the indentation that follows) and by the parser (it does
    /// not), so such a record is left alone.
    fn glue(&mut self, node: &SyntaxNode) -> Option<Glue> {
        let suppressed = matches!(self.last, Some(',' | ':'));
        if suppressed && self.after_glue {
            return None;
        }
        self.after_glue = true;
        let mut head = String::new();
        let mut newline = None;
        let mut indented = false;
        for token in node.children_with_tokens().filter_map(|it| it.into_token()) {
            match (token.kind(), &newline) {
                (SyntaxKind::NEWLINE, None) => newline = Some(token.text().to_owned()),
                (SyntaxKind::WHITESPACE, Some(_)) => indented = true,
                (_, None) => head.push_str(token.text()),
                (_, Some(_)) => return None,
            }
        }
        let newline = newline?;
        // The parser keeps the indentation in the glue only where Shorewall drops it.
        if indented && !suppressed || !head.starts_with('\\') {
            return None;
        }
        Some(Glue {
            head: head.trim_end_matches(LINE_SPACE).to_owned(),
            newline,
            suppressed,
        })
    }
}

/// Adds a `COLUMN` node's atoms; continuations at its very start or end go to the whitespace
/// around it.
fn column(node: &SyntaxNode, parts: &mut Vec<Part>, line: &mut Joined) -> Option<()> {
    let mut atoms: Vec<Atom> = Vec::new();
    for token in node
        .descendants_with_tokens()
        .filter_map(|it| it.into_token())
    {
        let glue_node = token
            .parent()
            .filter(|it| it.kind() == SyntaxKind::LINE_CONTINUATION);
        match glue_node {
            Some(glue_node) => {
                if token.kind() == SyntaxKind::BACKSLASH {
                    atoms.push(Atom::Glue(line.glue(&glue_node)?));
                }
            }
            None => {
                line.text(token.text());
                match atoms.last_mut() {
                    Some(Atom::Text(text)) => text.push_str(token.text()),
                    _ => atoms.push(Atom::Text(token.text().to_owned())),
                }
            }
        }
    }
    let first_text = atoms.iter().position(|it| matches!(it, Atom::Text(_)))?;
    let last_text = atoms.iter().rposition(|it| matches!(it, Atom::Text(_)))?;
    let trailing: Vec<Atom> = atoms.drain(last_text + 1..).collect();
    let leading: Vec<Atom> = atoms.drain(..first_text).collect();
    for atom in leading {
        if let Atom::Glue(glue) = atom {
            push_space(parts, Some(glue));
        }
    }
    parts.push(Part::Column(atoms));
    for atom in trailing {
        if let Atom::Glue(glue) = atom {
            push_space(parts, Some(glue));
        }
    }
    Some(())
}

impl FlatRecord {
    /// Tells the grid how wide each column is where something follows it on the same line.
    pub(super) fn measure(&self, grid: &mut GridBuilder) {
        let mut column = 0usize;
        let mut pending: Option<(usize, u32)> = None;
        for part in &self.parts {
            match part {
                Part::Column(atoms) => {
                    if let Some((idx, width)) = pending.take() {
                        grid.observe(idx, width);
                    }
                    pending = last_piece_width(atoms).map(|width| (column, width));
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
                        out.push_str(&glue.head);
                        out.push_str(&glue.newline);
                        pos = 0;
                        fresh = true;
                    }
                }
                Part::Column(atoms) => {
                    let start = if fresh {
                        grid.start(column)
                    } else {
                        layout.next_start(grid.start(column), pos)
                    };
                    layout.pad(out, pos, start);
                    pos = start;
                    for atom in atoms {
                        match atom {
                            Atom::Text(text) => {
                                out.push_str(text);
                                pos = layout.advance(pos, text);
                            }
                            Atom::Glue(glue) => {
                                out.push_str(&glue.head);
                                out.push_str(&glue.newline);
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
fn last_piece_width(atoms: &[Atom]) -> Option<u32> {
    let mut res = 0u32;
    for atom in atoms {
        match atom {
            Atom::Text(text) => res = res.saturating_add(width(text)),
            Atom::Glue(glue) if glue.suppressed => res = 0,
            Atom::Glue(_) => return None,
        }
    }
    Some(res)
}
