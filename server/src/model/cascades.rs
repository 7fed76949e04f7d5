//! One diagnostic per mistake: the follow-on diagnostics that one mistake would otherwise
//! raise on the same text are dropped, keeping the one whose message is Shorewall 5.2.8's.

use shorewall_syntax::TextRange;

use crate::model::{expand::UNKNOWN, Diagnostic, Severity};

/// Which of two diagnostics on the same text stays: the lower rank. Shorewall reads a line
/// before it judges its columns, so what stops it reading comes first: characters it refuses
/// and 4.4 spellings, then (on a directive) the directive's own message, then what the parser
/// cannot read.
fn rank(code: &str) -> u8 {
    match code {
        "forbidden-character" | "old-spelling" => 0,
        "invalid-conditional" | "section-order" => 1,
        "syntax-error" => 2,
        _ => 3,
    }
}

/// Whether two ranges cover some of the same text (an empty range: its position).
fn overlap(a: TextRange, b: TextRange) -> bool {
    let inside = |point: TextRange, range: TextRange| {
        point.is_empty() && range.start() <= point.start() && point.start() <= range.end()
    };
    (a.start() < b.end() && b.start() < a.end()) || inside(a, b) || inside(b, a)
}

/// Drops the diagnostics that only repeat another one's mistake.
pub(crate) fn drop_cascades(diagnostics: &mut Vec<Diagnostic>) {
    // A value we cannot know (an undefined variable, a params line that needs a shell) is
    // reported once, where it is used; nothing that judges the value can be sure.
    diagnostics.retain(|it| it.severity == Severity::Info || !it.message.contains(UNKNOWN));
    // An error that stops Shorewall reading the text hides what else would be said of it.
    let roots: Vec<(usize, &Diagnostic)> = diagnostics
        .iter()
        .filter(|it| it.severity == Severity::Error && rank(it.code) < 3)
        .map(|it| (rank(it.code) as usize, it))
        .collect();
    if roots.is_empty() {
        return;
    }
    let hidden: Vec<bool> = diagnostics
        .iter()
        .map(|it| {
            it.severity != Severity::Info
                && roots.iter().any(|(rank_of_root, root)| {
                    *rank_of_root < rank(it.code) as usize
                        && root.site.file == it.site.file
                        && overlap(root.site.range, it.site.range)
                })
        })
        .collect();
    let mut idx = 0;
    diagnostics.retain(|_| {
        idx += 1;
        !hidden[idx - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileId, Site};

    fn at(code: &'static str, start: u32, end: u32) -> Diagnostic {
        let site = Site {
            file: FileId(0),
            range: TextRange::new(start.into(), end.into()),
        };
        Diagnostic::error(code, site, code)
    }

    #[test]
    fn the_first_reason_on_the_same_text_stays() {
        let mut list = vec![
            at("forbidden-character", 10, 15),
            at("invalid-port", 10, 15),
            at("unknown-zone", 20, 23),
            at("syntax-error", 30, 31),
            at("invalid-action", 27, 40),
            at("invalid-conditional", 50, 55),
            at("syntax-error", 50, 55),
            at("unknown-zone", 60, 62),
            at("invalid-port", 60, 62),
        ];
        drop_cascades(&mut list);
        let codes: Vec<&str> = list.iter().map(|it| it.code).collect();
        assert_eq!(
            codes,
            [
                "forbidden-character",
                "unknown-zone",
                "syntax-error",
                "invalid-conditional",
                "unknown-zone",
                "invalid-port"
            ]
        );
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let mut list = vec![
            at("invalid-log-level", 0, 4),
            at("undefined-variable", 0, 4),
        ];
        list[0].message = format!("Invalid log level ({UNKNOWN})");
        drop_cascades(&mut list);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].code, "undefined-variable");
    }
}
