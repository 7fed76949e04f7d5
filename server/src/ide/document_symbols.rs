//! Document symbols, the outline of a file: in rules files the sections with their rules, in
//! the other files their entries (zones, interfaces, hosts, policies, params, settings,
//! actions).

use std::{path::Path, sync::Arc};

use shorewall_syntax::{
    ast::{self, AstNode},
    FileKind, TextRange, TextSize,
};

use crate::ide::db::Inputs;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole entry (a section: from its header to its last rule).
    pub range: TextRange,
    /// The part to select when the symbol is picked.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Section,
    Rule,
    Zone,
    Interface,
    Host,
    Policy,
    Param,
    Setting,
    Action,
}

pub(crate) fn document_symbols(db: &Inputs, path: &Path) -> Vec<Symbol> {
    let Some(parse) = db.parse(path) else {
        return Vec::new();
    };
    let kind = parse.file_type().kind;
    let tree = parse.tree();
    // The text the tree is of, to take the columns from.
    let source = match db.text(path) {
        Some(text) if TextSize::of(&*text) == tree.syntax().text_range().end() => text,
        _ => Arc::from(tree.syntax().text().to_string()),
    };
    if matches!(kind, FileKind::Params | FileKind::Conf) {
        let symbol_kind = if kind == FileKind::Params {
            SymbolKind::Param
        } else {
            SymbolKind::Setting
        };
        return tree
            .assignments()
            .filter_map(|it| assignment(&it, symbol_kind))
            .collect();
    }
    let mut res: Vec<Symbol> = Vec::new();
    for item in tree.items() {
        match item {
            ast::Item::Directive(directive) if directive.name() == "SECTION" => {
                let range = directive.syntax().text_range();
                res.push(Symbol {
                    name: format!("?SECTION {}", directive.argument()),
                    detail: None,
                    kind: SymbolKind::Section,
                    range,
                    selection_range: range,
                    children: Vec::new(),
                });
            }
            ast::Item::Record(record) => {
                let Some(symbol) = record_symbol(&source, &record, kind) else {
                    continue;
                };
                match res.last_mut() {
                    Some(section) if section.kind == SymbolKind::Section => {
                        section.range = section.range.cover(symbol.range);
                        section.children.push(symbol);
                    }
                    _ => res.push(symbol),
                }
            }
            _ => {}
        }
    }
    res
}

fn assignment(assignment: &ast::Assignment, kind: SymbolKind) -> Option<Symbol> {
    let name = assignment.name_node()?;
    Some(Symbol {
        name: name.text().to_string(),
        detail: Some(assignment.raw_value()),
        kind,
        range: assignment.syntax().text_range(),
        selection_range: name.text_range(),
        children: Vec::new(),
    })
}

/// The text of a column: its text in the file, where no line continuation splits it (the
/// common case, and much faster on a large file than gathering its tokens).
fn column_text(source: &str, column: &ast::Column) -> String {
    match source.get(std::ops::Range::<usize>::from(column.syntax().text_range())) {
        Some(text) if !text.contains('\\') => text.to_owned(),
        _ => column.text(),
    }
}

/// A record's symbol: named by its first column (zones, interfaces, hosts, actions) or by its
/// columns (rules, policy).
fn record_symbol(source: &str, record: &ast::Record, kind: FileKind) -> Option<Symbol> {
    let columns: Vec<ast::Column> = record.columns().collect();
    let first = columns.first()?;
    let text = |idx: usize| {
        columns
            .get(idx)
            .map(|it| column_text(source, it))
            .unwrap_or_default()
    };
    let (name, detail, symbol_kind) = match kind {
        FileKind::Zones => (text(0), Some(text(1)), SymbolKind::Zone),
        FileKind::Interfaces => (text(1), Some(text(0)), SymbolKind::Interface),
        FileKind::Hosts => (text(0), Some(text(1)), SymbolKind::Host),
        FileKind::Actions => (text(0), None, SymbolKind::Action),
        FileKind::Policy => (
            format!("{} → {}", text(0), text(1)),
            Some(text(2)),
            SymbolKind::Policy,
        ),
        _ => {
            let mut shown = String::new();
            for (idx, column) in columns.iter().take(6).enumerate() {
                if idx > 0 {
                    shown.push(' ');
                }
                shown.push_str(&column_text(source, column));
            }
            (shown, None, SymbolKind::Rule)
        }
    };
    let selection = match kind {
        FileKind::Interfaces => columns.get(1).unwrap_or(first),
        _ => first,
    };
    Some(Symbol {
        name,
        detail: detail.filter(|it| !it.is_empty()),
        kind: symbol_kind,
        range: record.content_range(),
        selection_range: selection.syntax().text_range(),
        children: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::Symbol;
    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let mut res = String::new();
        fn show(symbols: &[Symbol], depth: usize, res: &mut String) {
            for it in symbols {
                res.push_str(&format!(
                    "{}{:?} {:?} {:?} {:?}{}\n",
                    "  ".repeat(depth),
                    it.kind,
                    it.name,
                    it.range,
                    it.selection_range,
                    it.detail
                        .as_ref()
                        .map(|it| format!(" ({it})"))
                        .unwrap_or_default()
                ));
                show(&it.children, depth + 1, res);
            }
        }
        show(
            &analysis.document_symbols(&fixture.cursor_file()),
            0,
            &mut res,
        );
        expect.assert_eq(&res);
    }

    #[test]
    fn sections_and_rules() {
        check(
            "#- rules\nACCEPT net $FW\n?SECTION ESTABLISHED\nACCEPT all all\n?SECTION NEW\nSSH(ACCEPT) net $FW tcp # ssh\nDROP net all\n",
            expect![[r#"
                Rule "ACCEPT net $FW" 0..14 0..6
                Section "?SECTION ESTABLISHED" 15..50 15..35
                  Rule "ACCEPT all all" 36..50 36..42
                Section "?SECTION NEW" 51..106 51..63
                  Rule "SSH(ACCEPT) net $FW tcp" 64..87 64..75
                  Rule "DROP net all" 94..106 94..98
            "#]],
        );
    }

    #[test]
    fn a_column_continued_on_the_next_line() {
        check(
            "#- rules\nACCEPT net:2001:db8::1,\\\n2001:db8::2 $FW\n",
            expect![[r#"
                Rule "ACCEPT net:2001:db8::1,2001:db8::2 $FW" 0..40 0..6
            "#]],
        );
    }

    #[test]
    fn other_files() {
        check(
            "#- zones\nfw firewall\nnet ipv6\n",
            expect![[r#"
            Zone "fw" 0..11 0..2 (firewall)
            Zone "net" 12..20 12..15 (ipv6)
        "#]],
        );
        check(
            "#- interfaces\n?FORMAT 2\nnet eth0 dhcp\n",
            expect![[r#"
            Interface "eth0" 10..23 14..18 (net)
        "#]],
        );
        check(
            "#- policy\nnet all DROP info\n",
            expect![[r#"
            Policy "net → all" 0..17 0..3 (DROP)
        "#]],
        );
        check(
            "#- params\nA=1\nexport B=\"x y\"\n",
            expect![[r#"
            Param "A" 0..3 0..1 (1)
            Param "B" 4..18 11..12 ("x y")
        "#]],
        );
    }
}
