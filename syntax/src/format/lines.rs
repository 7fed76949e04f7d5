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

use crate::{
    ast, ast::AstNode, FileKind, Parse, SyntaxElement, SyntaxKind, SyntaxNode, TextRange, TextSize,
};

use super::{
    columns::{GridBuilder, Layout},
    header::{ColumnNames, Header, HeaderContinuation},
    record::{flatten, FlatRecord, LINE_SPACE},
    FormatOptions, Unit,
};

/// One line of the original text.
#[derive(Debug)]
pub(super) struct Line {
    /// The line with its newline.
    pub(super) range: TextRange,
    /// The line's newline (`""` for a last line without one).
    newline: String,
    kind: LineKind,
    has_error: bool,
    verbatim: bool,
}

#[derive(Debug)]
enum LineKind {
    Blank,
    /// A line holding only a comment, and the indentation before it.
    Comment {
        indent: String,
        comment: String,
    },
    Record(SyntaxNode),
    /// A directive, an assignment: trailing whitespace is all we change.
    Plain(SyntaxNode),
    /// The IF/ELSIF/ELSE/ENDIF of a conditional.
    Conditional(SyntaxNode, Conditional),
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
enum Plan {
    Keep,
    Blank,
    Trimmed(String),
    Record(FlatRecord),
    Header(Header),
    HeaderContinuation(HeaderContinuation),
}

/// Splits the file into lines and decides which stay byte for byte.
pub(super) fn split(parse: &Parse) -> Vec<Line> {
    let root = parse.syntax();
    let mut lines = Vec::new();
    let mut elements: Vec<SyntaxElement> = Vec::new();
    let mut start = TextSize::new(0);
    for element in root.children_with_tokens() {
        if element.kind() == SyntaxKind::NEWLINE {
            let end = element.text_range().end();
            let newline = element
                .as_token()
                .map(|it| it.text().to_owned())
                .unwrap_or_default();
            lines.push(line(TextRange::new(start, end), newline, &elements));
            elements.clear();
            start = end;
        } else {
            elements.push(element);
        }
    }
    if !elements.is_empty() {
        let end = root.text_range().end();
        lines.push(line(TextRange::new(start, end), String::new(), &elements));
    }
    mark_errors(&mut lines, parse);
    mark_conditionals(&mut lines);
    for line in &mut lines {
        line.verbatim |= line.has_error || matches!(line.kind, LineKind::Opaque);
    }
    lines
}

fn line(range: TextRange, newline: String, elements: &[SyntaxElement]) -> Line {
    Line {
        range,
        newline,
        kind: kind(elements),
        has_error: false,
        verbatim: false,
    }
}

fn kind(elements: &[SyntaxElement]) -> LineKind {
    match elements {
        [] => LineKind::Blank,
        _ if elements
            .iter()
            .all(|it| it.kind() == SyntaxKind::WHITESPACE) =>
        {
            LineKind::Blank
        }
        [comment] if comment.kind() == SyntaxKind::COMMENT => LineKind::Comment {
            indent: String::new(),
            comment: comment.to_string(),
        },
        [indent, comment]
            if indent.kind() == SyntaxKind::WHITESPACE && comment.kind() == SyntaxKind::COMMENT =>
        {
            LineKind::Comment {
                indent: indent.to_string(),
                comment: comment.to_string(),
            }
        }
        [rowan::NodeOrToken::Node(node)] => match node.kind() {
            SyntaxKind::RECORD => LineKind::Record(node.clone()),
            SyntaxKind::DIRECTIVE => {
                let name = ast::Directive::cast(node.clone())
                    .map(|it| it.name())
                    .unwrap_or_default();
                match name.as_str() {
                    "IF" => LineKind::Conditional(node.clone(), Conditional::If),
                    "ELSIF" | "ELSE" => LineKind::Conditional(node.clone(), Conditional::Else),
                    "ENDIF" => LineKind::Conditional(node.clone(), Conditional::EndIf),
                    _ => LineKind::Plain(node.clone()),
                }
            }
            SyntaxKind::ASSIGNMENT => LineKind::Plain(node.clone()),
            _ => LineKind::Opaque,
        },
        _ => LineKind::Opaque,
    }
}

/// Marks the lines that a syntax error touches.
fn mark_errors(lines: &mut [Line], parse: &Parse) {
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
fn mark_conditionals(lines: &mut [Line]) {
    let mut open: Vec<usize> = Vec::new();
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    for (idx, line) in lines.iter().enumerate() {
        match line.kind {
            LineKind::Conditional(_, Conditional::If) => open.push(idx),
            LineKind::Conditional(_, Conditional::EndIf) => {
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
            Some(LineKind::Conditional(_, Conditional::EndIf))
        );
        if unclosed || block.iter().any(|it| it.has_error) {
            for line in block {
                line.verbatim = true;
            }
        }
    }
}

/// Formats every line: the list of units that `format` and friends put together.
pub(super) fn format_lines(parse: &Parse, options: &FormatOptions) -> Vec<Unit> {
    let text = parse.syntax().to_string();
    let lines = split(parse);
    let original = |line: &Line| {
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
        let plan = plan(line, options, layout, &names, last_header, &mut grid);
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
            out.push_str(&line.newline);
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
fn finish_file(units: &mut [Unit], lines: &[Line], plans: &[Plan]) {
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
            .map(|it| it.newline.as_str())
            .find(|it| !it.is_empty())
            .unwrap_or("\n");
        last.text.push_str(newline);
    }
}

fn plan(
    line: &Line,
    options: &FormatOptions,
    layout: Layout,
    names: &ColumnNames,
    last_header: Option<&Header>,
    grid: &mut GridBuilder,
) -> Plan {
    if line.verbatim {
        return Plan::Keep;
    }
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
                if let Some(record) = flatten(node) {
                    record.measure(grid);
                    return Plan::Record(record);
                }
            }
            Plan::Trimmed(trim_lines(&node.to_string()))
        }
        LineKind::Plain(node) | LineKind::Conditional(node, _) => {
            Plan::Trimmed(trim_lines(&node.to_string()))
        }
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
