//! Folding ranges: `?SECTION`s (to the last line before the next one), each branch of an
//! `?IF` ... `?ENDIF`, runs of comment lines, embedded Perl or shell, and records continued
//! over several lines.

use std::path::Path;

use shorewall_syntax::{
    ast::{self, AstNode},
    SyntaxKind, SyntaxNode, TextRange,
};

use crate::ide::db::Inputs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FoldKind {
    Section,
    /// One branch of an `?IF`.
    Conditional,
    Comment,
    /// `?BEGIN PERL` ... `?END PERL`.
    Embedded,
    /// A record continued with `\`.
    Record,
}

pub(crate) fn folding_ranges(db: &Inputs, path: &Path) -> Vec<Fold> {
    let Some(parse) = db.parse(path) else {
        return Vec::new();
    };
    let root = parse.syntax();
    let mut res = Vec::new();
    sections_and_conditionals(&root, &mut res);
    comments(&root, &mut res);
    for node in root.children() {
        let kind = match node.kind() {
            SyntaxKind::EMBEDDED_BLOCK => FoldKind::Embedded,
            SyntaxKind::RECORD | SyntaxKind::DIRECTIVE
                if node
                    .children()
                    .any(|it| it.kind() == SyntaxKind::LINE_CONTINUATION) =>
            {
                FoldKind::Record
            }
            _ => continue,
        };
        res.push(Fold {
            range: trimmed(&node),
            kind,
        });
    }
    res.sort_by_key(|it| (it.range.start(), std::cmp::Reverse(it.range.end())));
    res
}

/// The node's range without a trailing newline.
fn trimmed(node: &SyntaxNode) -> TextRange {
    let range = node.text_range();
    match node.last_token() {
        Some(token) if token.kind() == SyntaxKind::NEWLINE => {
            TextRange::new(range.start(), token.text_range().start())
        }
        _ => range,
    }
}

fn sections_and_conditionals(root: &SyntaxNode, res: &mut Vec<Fold>) {
    // The section being folded, and the open ?IF branches: (start, end of last content).
    let mut section: Option<(TextRange, TextRange)> = None;
    let mut branches: Vec<(TextRange, TextRange)> = Vec::new();
    let close = |open: Option<(TextRange, TextRange)>, kind: FoldKind, res: &mut Vec<Fold>| {
        if let Some((start, last)) = open {
            if last.end() > start.end() {
                res.push(Fold {
                    range: TextRange::new(start.start(), last.end()),
                    kind,
                });
            }
        }
    };
    for node in root.children() {
        let range = trimmed(&node);
        let Some(directive) = ast::Directive::cast(node.clone()) else {
            if let Some((_, last)) = section.as_mut() {
                *last = range;
            }
            if let Some((_, last)) = branches.last_mut() {
                *last = range;
            }
            continue;
        };
        match directive.name().as_str() {
            "SECTION" => {
                close(section.take(), FoldKind::Section, res);
                section = Some((range, range));
                continue;
            }
            "IF" => branches.push((range, range)),
            "ELSIF" | "ELSE" => {
                close(branches.pop(), FoldKind::Conditional, res);
                branches.push((range, range));
            }
            "ENDIF" => close(branches.pop(), FoldKind::Conditional, res),
            _ => {}
        }
        if let Some((_, last)) = section.as_mut() {
            *last = range;
        }
    }
    close(section.take(), FoldKind::Section, res);
}

/// Runs of two or more lines that hold only a comment.
fn comments(root: &SyntaxNode, res: &mut Vec<Fold>) {
    let mut run: Option<(TextRange, usize)> = None;
    let flush = |run: &mut Option<(TextRange, usize)>, res: &mut Vec<Fold>| {
        if let Some((range, count)) = run.take() {
            if count > 1 {
                res.push(Fold {
                    range,
                    kind: FoldKind::Comment,
                });
            }
        }
    };
    let mut at_line_start = true;
    for element in root.children_with_tokens() {
        match element.kind() {
            SyntaxKind::COMMENT if at_line_start => {
                let range = element.text_range();
                run = Some(match run {
                    Some((start, count)) => (start.cover(range), count + 1),
                    None => (range, 1),
                });
            }
            SyntaxKind::NEWLINE => {
                at_line_start = true;
                continue;
            }
            SyntaxKind::WHITESPACE => continue,
            _ => flush(&mut run, res),
        }
        at_line_start = false;
    }
    flush(&mut run, res);
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let path = fixture.cursor_file();
        let text = fixture.text(&path);
        let mut res = String::new();
        for fold in analysis.folding_ranges(&path) {
            let folded = text
                .get(usize::from(fold.range.start())..usize::from(fold.range.end()))
                .unwrap_or("");
            res.push_str(&format!("{:?} {folded:?}\n", fold.kind));
        }
        expect.assert_eq(&res);
    }

    #[test]
    fn sections_conditionals_comments() {
        check(
            r#"#- rules
# A header
# of two lines
?SECTION ESTABLISHED
ACCEPT all all
?SECTION NEW
?IF $A
ACCEPT net $FW
?ELSE
DROP net $FW
?ENDIF
SSH(ACCEPT) net \
    $FW
"#,
            expect![[r##"
                Comment "# A header\n# of two lines"
                Section "?SECTION ESTABLISHED\nACCEPT all all"
                Section "?SECTION NEW\n?IF $A\nACCEPT net $FW\n?ELSE\nDROP net $FW\n?ENDIF\nSSH(ACCEPT) net \\\n    $FW"
                Conditional "?IF $A\nACCEPT net $FW"
                Conditional "?ELSE\nDROP net $FW"
                Record "SSH(ACCEPT) net \\\n    $FW"
            "##]],
        );
    }
}
