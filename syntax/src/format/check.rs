//! The promises of the formatter as one check, shared by the unit tests, the property test and
//! the corpus tests: formatting is idempotent, Shorewall reads the same records, directives and
//! assignments before and after, the same syntax errors are found, and every comment is still
//! there (header comments may have their cells moved, nothing else).

use std::collections::BTreeMap;

use crate::{ast::significant_text, parse, FileType, Parse, SyntaxKind, SyntaxNode};

use super::{apply_edits, format, upgrade_edits, FormatOptions};

/// What one comparison found, for the corpus figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckReport {
    /// Whether the file changed at all.
    pub changed: bool,
    /// Comments whose text changed other than at its end: header lines realigned.
    pub realigned_headers: usize,
}

/// Formats `text` and checks every promise; returns the formatted text and what was found, or
/// a message naming the first promise broken.
pub fn check_format(
    text: &str,
    file_type: FileType,
    options: &FormatOptions,
) -> Result<(String, CheckReport), String> {
    let before = parse(text, file_type);
    let formatted = format(&before, options);
    let after = parse(&formatted, file_type);
    let again = format(&after, options);
    if again != formatted {
        return Err(first_difference("not idempotent", &formatted, &again));
    }
    let expected = if options.upgrade {
        parse(&apply_edits(text, &upgrade_edits(&before)), file_type)
    } else {
        before.clone()
    };
    let (want, got) = (reading(&expected), reading(&after));
    if want != got {
        let idx = want
            .iter()
            .zip(&got)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(got.len()));
        return Err(format!(
            "Shorewall would read the file differently: item {idx}: {:?} became {:?}",
            want.get(idx),
            got.get(idx)
        ));
    }
    let messages = |parse: &Parse| {
        let mut res: Vec<String> = parse.errors().iter().map(|it| it.message.clone()).collect();
        res.sort();
        res
    };
    if messages(&expected) != messages(&after) {
        return Err(format!(
            "syntax errors changed: {:?} became {:?}",
            messages(&expected),
            messages(&after)
        ));
    }
    let realigned_headers = compare_comments(&expected, &after)?;
    let report = CheckReport {
        changed: formatted != text,
        realigned_headers,
    };
    Ok((formatted, report))
}

fn first_difference(what: &str, a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    format!(
        "{what}: line {}: {:?} then {:?}",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line)
    )
}

/// What Shorewall reads from each line: the columns of records (continuations joined), tails,
/// directives, assignments; shell and embedded code as written. Continuation glue and records
/// without columns (a logical line of whitespace) are nothing to Shorewall.
fn reading(parse: &Parse) -> Vec<String> {
    let mut res = Vec::new();
    for node in parse.syntax().children() {
        let item = match node.kind() {
            SyntaxKind::LINE_CONTINUATION => continue,
            SyntaxKind::RECORD
                if node
                    .children()
                    .all(|it| it.kind() == SyntaxKind::LINE_CONTINUATION) =>
            {
                continue
            }
            SyntaxKind::RECORD => record_reading(&node),
            SyntaxKind::DIRECTIVE | SyntaxKind::ASSIGNMENT => {
                let text = significant_text(&node);
                format!("{:?} {}", node.kind(), without_comment(&text).trim_end())
            }
            _ => format!("{:?} {}", node.kind(), node),
        };
        res.push(item);
    }
    res
}

fn record_reading(record: &SyntaxNode) -> String {
    let mut res = String::from("RECORD");
    for child in record.children() {
        match child.kind() {
            SyntaxKind::COLUMN => {
                res.push_str(" | ");
                res.push_str(&significant_text(&child));
            }
            SyntaxKind::PAIR_BLOCK | SyntaxKind::PAIR_TAIL | SyntaxKind::RAW_MATCHES => {
                res.push_str(" || ");
                res.push_str(significant_text(&child).trim_end());
            }
            SyntaxKind::LINE_CONTINUATION => {}
            _ => {
                res.push_str(" ?? ");
                res.push_str(&child.to_string());
            }
        }
    }
    res
}

fn without_comment(text: &str) -> &str {
    text.split('#').next().unwrap_or(text)
}

/// The comments must be the same, trailing whitespace aside; those that differ must be header
/// lines (starting `#NAME` or `#` and whitespace) with the same words. Returns how many differ.
fn compare_comments(before: &Parse, after: &Parse) -> Result<usize, String> {
    let comments = |parse: &Parse| {
        let mut res: BTreeMap<String, usize> = BTreeMap::new();
        for token in parse
            .syntax()
            .descendants_with_tokens()
            .filter_map(|it| it.into_token())
        {
            if token.kind() == SyntaxKind::COMMENT {
                let text = token
                    .text()
                    .trim_end_matches(super::record::LINE_SPACE)
                    .to_owned();
                *res.entry(text).or_default() += 1;
            }
        }
        res
    };
    let (mut old, mut new) = (comments(before), comments(after));
    for (text, count) in old.iter_mut() {
        if let Some(other) = new.get_mut(text) {
            let common = (*count).min(*other);
            *count -= common;
            *other -= common;
        }
    }
    let words = |map: &BTreeMap<String, usize>| {
        let mut res: Vec<String> = Vec::new();
        for (text, count) in map {
            for _ in 0..*count {
                res.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        res.sort();
        res
    };
    let (old_words, new_words) = (words(&old), words(&new));
    if old_words != new_words {
        return Err(format!(
            "comments changed: {old_words:?} became {new_words:?}"
        ));
    }
    for (text, count) in &new {
        let header_like = text.strip_prefix('#').is_some_and(|rest| {
            rest.trim_start()
                .starts_with(|ch: char| ch.is_ascii_uppercase())
        });
        if *count > 0 && !header_like {
            return Err(format!("a comment that is not a header changed: {text:?}"));
        }
    }
    Ok(new_words.len())
}
