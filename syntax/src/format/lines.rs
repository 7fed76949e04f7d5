//! The file as a list of lines, which of them must stay byte for byte, and the formatting of
//! each.
//!
//! A line is what lies between two top-level newlines: a blank or comment line, or one record,
//! directive, assignment or embedded block with the continuation lines inside it.
//!
//! Kept byte for byte:
//! - a line with a syntax error in it;
//! - every line of an `?IF` ... `?ENDIF` block (nested ones included) in which any line has a
//!   syntax error, or of an `?IF` without its `?ENDIF` (to the end of the file): Shorewall reads
//!   only the branch its condition selects, so a line we cannot parse may be one that
//!   Shorewall never reads, and the branches are best left as their author lined them up;
//! - embedded Perl and shell, shell lines in `params`, and anything we do not recognise;
//! - the whole of a `params` file that has such a line: shell may carry a quoted string or a
//!   here-document over several lines, whose whitespace matters.

use rowan::{GreenNodeData, GreenTokenData, Language, NodeOrToken};

use crate::{FileKind, Parse, ShorewallLanguage, SyntaxKind, TextRange, TextSize};

use super::{
    columns::{GridBuilder, Layout},
    header::{ColumnNames, Header, HeaderContinuation},
    record::{flatten, FlatRecord, LINE_SPACE},
    FormatOptions, Unit,
};

type Green<'a> = NodeOrToken<&'a GreenNodeData, &'a GreenTokenData>;

/// One line of the original text.
#[derive(Debug)]
pub(super) struct Line<'a> {
    /// The line with its newline.
    pub(super) range: TextRange,
    /// The line's newline (`""` for a last line without one).
    newline: &'a str,
    kind: LineKind<'a>,
    has_error: bool,
    verbatim: bool,
}

#[derive(Debug)]
enum LineKind<'a> {
    Blank,
    /// A line holding only a comment, and the indentation before it.
    Comment {
        indent: &'a str,
        comment: &'a str,
    },
    Record(&'a GreenNodeData),
    /// A directive, an assignment: trailing whitespace is all we change.
    Plain,
    /// The IF/ELSIF/ELSE/ENDIF of a conditional.
    Conditional(Conditional),
    /// Embedded code, shell, errors, anything unexpected.
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conditional {
    If,
    Else,
    EndIf,
}

/// What a line becomes, decided before the grid is known.
enum Plan<'a> {
    Keep,
    Blank,
    Trimmed(String),
    Record(FlatRecord<'a>),
    Header(Header),
    HeaderContinuation(HeaderContinuation),
}

fn kind_of(element: Green<'_>) -> SyntaxKind {
    let raw = match element {
        NodeOrToken::Node(node) => node.kind(),
        NodeOrToken::Token(token) => token.kind(),
    };
    ShorewallLanguage::kind_from_raw(raw)
}

fn len_of(element: Green<'_>) -> TextSize {
    match element {
        NodeOrToken::Node(node) => node.text_len(),
        NodeOrToken::Token(token) => token.text_len(),
    }
}

/// Splits the file (whose text is `text`) into lines and decides which stay byte for byte.
pub(super) fn split<'a>(parse: &'a Parse, text: &'a str) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut elements: Vec<(Green<'a>, TextSize)> = Vec::new();
    let mut start = TextSize::new(0);
    let mut pos = TextSize::new(0);
    for element in parse.green().children() {
        let end = pos + len_of(element);
        if kind_of(element) == SyntaxKind::NEWLINE {
            let newline = text.get(usize::from(pos)..usize::from(end)).unwrap_or("\n");
            lines.push(line(TextRange::new(start, end), newline, &elements, text));
            elements.clear();
            start = end;
        } else {
            elements.push((element, pos));
        }
        pos = end;
    }
    if !elements.is_empty() {
        lines.push(line(TextRange::new(start, pos), "", &elements, text));
    }
    mark_errors(&mut lines, parse);
    mark_conditionals(&mut lines);
    for line in &mut lines {
        line.verbatim |= line.has_error || matches!(line.kind, LineKind::Opaque);
    }
    lines
}

fn line<'a>(
    range: TextRange,
    newline: &'a str,
    elements: &[(Green<'a>, TextSize)],
    text: &'a str,
) -> Line<'a> {
    Line {
        range,
        newline,
        kind: kind(elements, text),
        has_error: false,
        verbatim: false,
    }
}

fn kind<'a>(elements: &[(Green<'a>, TextSize)], text: &'a str) -> LineKind<'a> {
    let slice = |(element, start): (Green<'a>, TextSize)| {
        let end = start + len_of(element);
        text.get(usize::from(start)..usize::from(end)).unwrap_or("")
    };
    if elements
        .iter()
        .all(|(it, _)| kind_of(*it) == SyntaxKind::WHITESPACE)
    {
        return LineKind::Blank;
    }
    match elements {
        [comment] if kind_of(comment.0) == SyntaxKind::COMMENT => LineKind::Comment {
            indent: "",
            comment: slice(*comment),
        },
        [indent, comment]
            if kind_of(indent.0) == SyntaxKind::WHITESPACE
                && kind_of(comment.0) == SyntaxKind::COMMENT =>
        {
            LineKind::Comment {
                indent: slice(*indent),
                comment: slice(*comment),
            }
        }
        [(element @ NodeOrToken::Node(node), _)] => match kind_of(*element) {
            SyntaxKind::RECORD => LineKind::Record(node),
            SyntaxKind::DIRECTIVE => match directive_name(node).as_str() {
                "IF" => LineKind::Conditional(Conditional::If),
                "ELSIF" | "ELSE" => LineKind::Conditional(Conditional::Else),
                "ENDIF" => LineKind::Conditional(Conditional::EndIf),
                _ => LineKind::Plain,
            },
            SyntaxKind::ASSIGNMENT => LineKind::Plain,
            _ => LineKind::Opaque,
        },
        _ => LineKind::Opaque,
    }
}

/// The text of a green tree, token by token (`to_string` goes through `fmt` and is slower).
pub(super) fn green_text(node: &GreenNodeData) -> String {
    fn push(node: &GreenNodeData, out: &mut String) {
        for child in node.children() {
            match child {
                NodeOrToken::Node(node) => push(node, out),
                NodeOrToken::Token(token) => out.push_str(token.text()),
            }
        }
    }
    let mut res = String::with_capacity(usize::from(node.text_len()));
    push(node, &mut res);
    res
}

/// A directive's name in upper case without `?` (its first token that is not whitespace).
fn directive_name(node: &GreenNodeData) -> String {
    node.children()
        .find_map(|it| match it {
            NodeOrToken::Token(token)
                if !ShorewallLanguage::kind_from_raw(token.kind()).is_trivia() =>
            {
                Some(token.text().trim_start_matches('?').to_ascii_uppercase())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// Marks the lines that a syntax error touches.
fn mark_errors(lines: &mut [Line<'_>], parse: &Parse) {
    for error in parse.errors() {
        let range = error.range;
        let first = lines.partition_point(|it| it.range.end() <= range.start());
        let first = first.min(lines.len().saturating_sub(1));
        for line in lines.iter_mut().skip(first) {
            if line.range.start() > range.start() && line.range.start() >= range.end() {
                break;
            }
            line.has_error = true;
        }
    }
}

/// Keeps whole every `?IF` block with a syntax error inside, and every unclosed one.
fn mark_conditionals(lines: &mut [Line<'_>]) {
    let mut open: Vec<usize> = Vec::new();
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    for (idx, line) in lines.iter().enumerate() {
        match line.kind {
            LineKind::Conditional(Conditional::If) => open.push(idx),
            LineKind::Conditional(Conditional::EndIf) => {
                if let Some(start) = open.pop() {
                    blocks.push((start, idx));
                }
            }
            _ => {}
        }
    }
    let last = lines.len().saturating_sub(1);
    blocks.extend(open.into_iter().map(|start| (start, last)));
    for (start, end) in blocks {
        let Some(block) = lines.get_mut(start..=end) else {
            continue;
        };
        let unclosed = !matches!(
            block.last().map(|it| &it.kind),
            Some(LineKind::Conditional(Conditional::EndIf))
        );
        if unclosed || block.iter().any(|it| it.has_error) {
            for line in block {
                line.verbatim = true;
            }
        }
    }
}

/// Formats every line: the list of units that `format` and friends put together.
/// `text` is the parsed text.
pub(super) fn format_lines(parse: &Parse, text: &str, options: &FormatOptions) -> Vec<Unit> {
    let lines = split(parse, text);
    let original = |line: &Line<'_>| {
        text.get(usize::from(line.range.start())..usize::from(line.range.end()))
            .unwrap_or("")
            .to_owned()
    };
    let kind = parse.file_type().kind;
    if kind == FileKind::Params && lines.iter().any(|it| it.verbatim) {
        return lines
            .iter()
            .map(|line| Unit {
                range: line.range,
                text: original(line),
            })
            .collect();
    }

    let layout = Layout::new(options);
    let names = ColumnNames::of(kind);
    let mut grid = GridBuilder::new(options.max_column_width);
    let mut plans: Vec<Plan> = Vec::with_capacity(lines.len());
    for line in &lines {
        let last_header = match plans.last() {
            Some(Plan::Header(header)) => Some(header),
            _ => None,
        };
        let plan = plan(line, text, options, layout, &names, last_header, &mut grid);
        plans.push(plan);
    }
    let grid = grid.finish(layout);

    let mut units = Vec::with_capacity(lines.len());
    let mut header_starts: Vec<u32> = Vec::new();
    for (line, plan) in lines.iter().zip(&plans) {
        let mut out = String::new();
        match plan {
            Plan::Keep => out = original(line),
            Plan::Blank => {}
            Plan::Trimmed(text) => out.push_str(text),
            Plan::Record(record) => record.render(&grid, &mut out),
            Plan::Header(header) => header_starts = header.render(&grid, &mut out),
            Plan::HeaderContinuation(continuation) => {
                continuation.render(&grid, &header_starts, &mut out)
            }
        }
        if !matches!(plan, Plan::Keep) {
            out.push_str(line.newline);
        }
        units.push(Unit {
            range: line.range,
            text: out,
        });
    }
    finish_file(&mut units, &lines, &plans);
    units
}

/// No blank lines at the end, and exactly one newline after the last line, unless that line is
/// kept as written (an embedded block without its end marker runs to the end of the file, and
/// a newline would go into it).
fn finish_file(units: &mut [Unit], lines: &[Line<'_>], plans: &[Plan<'_>]) {
    for (unit, plan) in units.iter_mut().zip(plans).rev() {
        if !matches!(plan, Plan::Blank) {
            break;
        }
        unit.text.clear();
    }
    let last = units
        .iter_mut()
        .zip(plans)
        .rev()
        .find(|(unit, _)| !unit.text.is_empty());
    let Some((last, plan)) = last else {
        return;
    };
    if !last.text.ends_with('\n') && !matches!(plan, Plan::Keep) {
        let newline = lines
            .iter()
            .map(|it| it.newline)
            .find(|it| !it.is_empty())
            .unwrap_or("\n");
        last.text.push_str(newline);
    }
}

fn plan<'a>(
    line: &Line<'a>,
    text: &'a str,
    options: &FormatOptions,
    layout: Layout,
    names: &ColumnNames,
    last_header: Option<&Header>,
    grid: &mut GridBuilder,
) -> Plan<'a> {
    if line.verbatim {
        return Plan::Keep;
    }
    let start = usize::from(line.range.start());
    let content = text
        .get(start..usize::from(line.range.end()) - line.newline.len())
        .unwrap_or("");
    match &line.kind {
        LineKind::Blank => Plan::Blank,
        LineKind::Comment { indent, comment } => {
            if options.align && indent.is_empty() {
                let comment = comment.trim_end_matches(LINE_SPACE);
                if let Some(header) = Header::parse(comment, names, layout) {
                    header.measure(grid);
                    return Plan::Header(header);
                }
                if let Some(header) = last_header {
                    if let Some(continuation) = HeaderContinuation::parse(comment, header, layout) {
                        continuation.measure(grid);
                        return Plan::HeaderContinuation(continuation);
                    }
                }
            }
            Plan::Trimmed(trim_lines(&format!("{indent}{comment}")))
        }
        LineKind::Record(node) => {
            if options.align {
                if let Some(record) = flatten(node, text, start) {
                    record.measure(grid);
                    return Plan::Record(record);
                }
            }
            Plan::Trimmed(trim_lines(content))
        }
        LineKind::Plain | LineKind::Conditional(_) => Plan::Trimmed(trim_lines(content)),
        LineKind::Opaque => Plan::Keep,
    }
}

/// Removes the whitespace at the end of every physical line of `text`.
fn trim_lines(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(idx) = rest.find('\n') {
        let (line, after) = rest.split_at(idx);
        let (body, cr) = match line.strip_suffix('\r') {
            Some(body) => (body, "\r"),
            None => (line, ""),
        };
        res.push_str(body.trim_end_matches(LINE_SPACE));
        res.push_str(cr);
        res.push('\n');
        rest = after.get(1..).unwrap_or("");
    }
    res.push_str(rest.trim_end_matches(LINE_SPACE));
    res
}
