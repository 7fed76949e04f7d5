//! Reparsing after an edit: the tree of the new text from the old tree, parsing again only the
//! lines the edit touched.
//!
//! A keystroke in a 10,000-line rules file changes one line, yet a full parse rebuilds all of
//! its 360,000 elements (tens of milliseconds and megabytes, for every whole-file request an
//! editor sends after it). In a columnar file a line is the unit of parsing: the parser starts
//! every line afresh, and only a continuation (`\` at the end of a line), `?FORMAT` (which
//! changes the columns) and the blocks of `?IF` and embedded code carry anything from one line
//! to the next. So where the edit and the lines around it hold none of those, the new tree is
//! the old root with the children of the touched lines replaced by a parse of those lines
//! alone; every other record is the old tree's, shared. Anything else falls back to a full
//! parse, and the property tests check that both ways give the same tree and errors.

use rowan::{GreenNodeData, GreenTokenData, NodeOrToken, TextRange, TextSize};

use crate::{parse, Parse, SyntaxError, SyntaxKind};

/// The parse of `new_text` made from `old` (the parse of `old_text`) by parsing again only the
/// lines that changed; `None` where that could differ from a full parse, or where those lines
/// are most of a large text, and the caller then makes a full parse
/// (`parse(new_text, old.file_type())`).
pub fn reparse(old: &Parse, old_text: &str, new_text: &str) -> Option<Parse> {
    if !old.file_type.kind.is_columnar()
        || usize::from(old.green.text_len()) != old_text.len()
        || new_text.len() > crate::MAX_TEXT_LEN
    {
        return None;
    }
    if old_text == new_text {
        return Some(old.clone());
    }
    let (changed_start, changed_end) = changed_range(old_text, new_text);
    let delta = new_text.len() as i64 - old_text.len() as i64;

    // The top-level children of the old tree with their offsets.
    let children: Vec<_> = old.green.children().collect();
    let mut starts = Vec::with_capacity(children.len() + 1);
    let mut offset = 0usize;
    for child in &children {
        starts.push(offset);
        offset += usize::from(child.text_len());
    }
    starts.push(offset);

    // The window: whole lines of the old text around the change. It starts where a line starts
    // (after a top-level newline), at or before the change, and ends with a top-level newline
    // that lies wholly after the change, so that the text just before and just after it is
    // the same in both texts.
    let containing = match starts.partition_point(|&it| it <= changed_start) {
        0 => 0,
        n => n - 1,
    };
    let mut first = containing.min(children.len().saturating_sub(1));
    while first > 0 && children[first - 1].kind() != SyntaxKind::NEWLINE.into() {
        first -= 1;
    }
    let last = (first..children.len())
        .find(|&i| children[i].kind() == SyntaxKind::NEWLINE.into() && starts[i] >= changed_end)
        .map_or(children.len(), |i| i + 1);
    let window_start = starts.get(first).copied().unwrap_or(0);
    let window_end = starts[last];
    if window_start > changed_start || window_end < changed_end {
        return None;
    }

    // What the lines before the window carry into it, and what the window itself holds.
    if children[..first].iter().any(is_format_directive) {
        return None;
    }
    if !children[first..last]
        .iter()
        .all(|it| is_plain_line_part(it.kind()))
    {
        return None;
    }

    let new_end = usize::try_from(window_end as i64 + delta).ok()?;
    let region = new_text.get(window_start..new_end)?;
    // Where most of the text changed, a full parse costs as much and shares nothing.
    if region.len() > 4096 && region.len() * 4 > new_text.len() {
        return None;
    }
    let lines = parse(region, old.file_type);
    let new_children: Vec<_> = lines.green.children().collect();
    if !new_children.iter().all(|it| is_plain_line_part(it.kind())) {
        return None;
    }
    // The region must end where a line ends: a continuation on its last line would take in the
    // line after it.
    if new_end < new_text.len()
        && new_children
            .last()
            .is_some_and(|it| it.kind() != SyntaxKind::NEWLINE.into())
    {
        return None;
    }

    let errors = merged_errors(&old.errors, &lines.errors, window_start, window_end, delta)?;
    let green = old.green.splice_children(
        first..last,
        new_children.into_iter().map(|it| it.to_owned()),
    );
    Some(Parse {
        green,
        errors,
        file_type: old.file_type,
    })
}

/// The range of `old` that differs from `new`: the bytes after their common prefix and before
/// their common suffix (which do not overlap).
fn changed_range(old: &str, new: &str) -> (usize, usize) {
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    (prefix, old.len() - suffix)
}

/// The old errors outside the window (those after it moved by `delta`) and the new lines'
/// errors (moved to where the lines are); `None` if an old error reaches into the window from
/// outside, which the lines alone cannot say.
fn merged_errors(
    old: &[SyntaxError],
    lines: &[SyntaxError],
    window_start: usize,
    window_end: usize,
    delta: i64,
) -> Option<Vec<SyntaxError>> {
    let mut res = Vec::with_capacity(old.len() + lines.len());
    let shift = |range: TextRange, by: i64| -> Option<TextRange> {
        let start = u32::try_from(i64::from(u32::from(range.start())) + by).ok()?;
        Some(TextRange::at(TextSize::from(start), range.len()))
    };
    for error in old {
        let (start, end) = (
            usize::from(error.range.start()),
            usize::from(error.range.end()),
        );
        if end <= window_start && start < window_start {
            res.push(error.clone());
        } else if start >= window_end && !(start == window_end && end == window_end) {
            res.push(SyntaxError::new(
                error.message.clone(),
                shift(error.range, delta)?,
            ));
        } else if start < window_start || end > window_end || start == window_end {
            return None;
        }
    }
    for error in lines {
        res.push(SyntaxError::new(
            error.message.clone(),
            shift(error.range, window_start as i64)?,
        ));
    }
    res.sort_by_key(|it| (it.range.start(), it.range.end()));
    res.dedup();
    Some(res)
}

/// What a line of records and comments is made of at the top level.
fn is_plain_line_part(kind: rowan::SyntaxKind) -> bool {
    [
        SyntaxKind::RECORD,
        SyntaxKind::NEWLINE,
        SyntaxKind::WHITESPACE,
        SyntaxKind::COMMENT,
    ]
    .into_iter()
    .any(|it| kind == it.into())
}

/// Whether a top-level element is a `?FORMAT` directive, which changes how the lines after it
/// are read.
fn is_format_directive(element: &NodeOrToken<&GreenNodeData, &GreenTokenData>) -> bool {
    let NodeOrToken::Node(node) = element else {
        return false;
    };
    if node.kind() != SyntaxKind::DIRECTIVE.into() {
        return false;
    }
    node.children()
        .filter_map(NodeOrToken::into_token)
        .find(|it| it.kind() != SyntaxKind::WHITESPACE.into())
        .is_some_and(|name| {
            name.text()
                .trim_start_matches('?')
                .eq_ignore_ascii_case("FORMAT")
        })
}
