//! The formatter: a parsed file back to text, with its columns aligned the way Shorewall's own
//! sample files look, and nothing else changed that Shorewall would read differently.
//!
//! What it does, line by line (`docs/formatting.md` has examples):
//! - records: every column on one grid for the whole file (see [`columns`]); the text of a
//!   column is never changed; continuation lines stay continuation lines;
//! - a header comment (`#ACTION SOURCE DEST ...`) is aligned with the columns it names;
//! - other comments stay where they are, byte for byte but for trailing whitespace;
//! - trailing whitespace goes, and the file ends in exactly one newline.
//!
//! What it leaves byte for byte: records and directives with a syntax error, `?IF` ... `?ENDIF`
//! blocks in which any line has one (Shorewall reads only one branch; we cannot know how it
//! reads the others), embedded Perl and shell, the raw part after `;;`, and `params` files with
//! shell lines we do not understand.
//!
//! [`FormatOptions::upgrade`] also rewrites Shorewall 4.4 spellings (see [`upgrade_edits`]).
//!
//! The formatter works in units of lines: the whole-file, edit and range entry points all come
//! from one list of (original range, new text) pairs, so they always agree.

#[doc(hidden)]
pub mod check;
mod columns;
mod header;
mod lines;
mod record;
mod upgrade;

#[cfg(test)]
mod tests;

use crate::{FileType, Parse, TextRange, TextSize};

pub use self::upgrade::upgrade_edits;

/// How to format. The caller builds it (from a config file, editor settings, CLI flags);
/// [`FormatOptions::default`] is what the project recommends when nothing says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatOptions {
    /// Align the columns of records (and the header comment) on one grid. When off, the
    /// whitespace between columns is kept as written; only trailing whitespace, the final
    /// newline and (if asked) the upgrade are applied.
    pub align: bool,
    /// Pad with tabs rather than spaces.
    pub use_tabs: bool,
    /// The width of a tab stop: columns start on multiples of it. With `use_tabs` the file is
    /// meant to be shown with tabs of this width. Values below 1 count as 1.
    pub tab_width: u32,
    /// The widest column that widens the grid: a longer value pushes the rest of its own line
    /// to the right instead of moving the column for every line.
    pub max_column_width: u32,
    /// Rewrite Shorewall 4.4 spellings to 5.2 ones (see [`upgrade_edits`]).
    pub upgrade: bool,
}

impl Default for FormatOptions {
    fn default() -> FormatOptions {
        FormatOptions {
            align: true,
            use_tabs: false,
            tab_width: 8,
            max_column_width: 24,
            upgrade: false,
        }
    }
}

/// Replace the text at `range` (byte offsets into the original text) with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

impl TextEdit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> TextEdit {
        TextEdit {
            range,
            new_text: new_text.into(),
        }
    }
}

/// Applies non-overlapping `edits`, given in any order, to `text`. Edits whose range is not
/// inside `text` or not on character boundaries are skipped.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|it| (it.range.start(), it.range.end()));
    let mut res = String::with_capacity(text.len());
    let mut last = 0usize;
    for edit in sorted {
        let start = usize::from(edit.range.start());
        let end = usize::from(edit.range.end());
        let (Some(before), true) = (text.get(last..start), text.get(start..end).is_some()) else {
            continue;
        };
        res.push_str(before);
        res.push_str(&edit.new_text);
        last = end;
    }
    res.push_str(text.get(last..).unwrap_or(""));
    res
}

/// The formatted text of a whole file.
pub fn format(parse: &Parse, options: &FormatOptions) -> String {
    let text = lines::green_text(parse.green());
    concat(formatted_units(parse, &text, options))
}

fn concat(units: Vec<Unit>) -> String {
    let mut res = String::with_capacity(units.iter().map(|it| it.text.len()).sum());
    for unit in units {
        res.push_str(&unit.text);
    }
    res
}

/// Parses `text` as a file of `file_type` and formats it.
pub fn format_text(text: &str, file_type: FileType, options: &FormatOptions) -> String {
    concat(formatted_units(
        &crate::parse(text, file_type),
        text,
        options,
    ))
}

/// The edits that format a whole file: one per line that changes, in order.
pub fn format_edits(parse: &Parse, options: &FormatOptions) -> Vec<TextEdit> {
    changed_units(parse, options, None)
}

/// The edits that format the lines intersecting `range` (a record that spans several lines is
/// formatted whole if any of its lines is touched), with the file-wide column grid, so that the
/// result agrees with formatting the whole file.
pub fn format_range(parse: &Parse, range: TextRange, options: &FormatOptions) -> Vec<TextEdit> {
    changed_units(parse, options, Some(range))
}

fn changed_units(
    parse: &Parse,
    options: &FormatOptions,
    range: Option<TextRange>,
) -> Vec<TextEdit> {
    let text = lines::green_text(parse.green());
    let units = formatted_units(parse, &text, options);
    let last = units.len().saturating_sub(1);
    units
        .into_iter()
        .enumerate()
        .filter(|(idx, unit)| range.is_none_or(|range| touches(unit.range, range, *idx == last)))
        .filter(|(_, unit)| {
            text.get(unit.range.start().into()..unit.range.end().into()) != Some(unit.text.as_str())
        })
        .map(|(_, unit)| TextEdit::replace(unit.range, unit.text))
        .collect()
}

/// Whether the requested `range` selects a line. An empty request selects the line it is on
/// (the last line also at the very end of the text); a request ending at the start of a line
/// does not select that line.
fn touches(unit: TextRange, range: TextRange, is_last: bool) -> bool {
    if range.is_empty() {
        let offset = range.start();
        return unit.contains(offset) || is_last && offset == unit.end();
    }
    unit.start() < range.end() && range.start() < unit.end()
}

/// One stretch of the original text (a line, or a record with its continuation lines) and what
/// it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    pub(crate) range: TextRange,
    pub(crate) text: String,
}

/// The units of `parse` formatted with `options`, the upgrade included. The upgrade changes
/// text inside lines only, so the upgraded file has the same lines; its units are mapped back
/// to the original ranges one to one (or, should that ever fail, replace the whole file).
fn formatted_units(parse: &Parse, before: &str, options: &FormatOptions) -> Vec<Unit> {
    if options.upgrade {
        let edits = upgrade_edits(parse);
        if !edits.is_empty() {
            let original = lines::split(parse, before);
            let text = apply_edits(before, &edits);
            let upgraded = crate::parse(&text, parse.file_type());
            let units = lines::format_lines(&upgraded, &text, options);
            if units.len() == original.len() {
                return units
                    .into_iter()
                    .zip(original)
                    .map(|(unit, line)| Unit {
                        range: line.range,
                        text: unit.text,
                    })
                    .collect();
            }
            let whole = TextRange::up_to(TextSize::of(before));
            let text = units.into_iter().map(|it| it.text).collect();
            return vec![Unit { range: whole, text }];
        }
    }
    lines::format_lines(parse, before, options)
}
