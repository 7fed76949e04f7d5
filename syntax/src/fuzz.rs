//! The entry point shared by the fuzz targets and the corpus tests: parse, then check the
//! invariants every parse must keep.

use crate::{parse, FileType};

/// Parses `text` and panics if an invariant is broken: the tree's text must be the input, and
/// every error range must lie inside the text.
pub fn check_parser(text: &str, file_type: FileType) {
    let parse = parse(text, file_type);
    let root = parse.syntax();
    assert_eq!(root.to_string(), text, "the tree must be lossless");
    let len = root.text_range().end();
    for error in parse.errors() {
        assert!(
            error.range.end() <= len,
            "error range out of bounds: {error:?}"
        );
    }
    // Typed views must not panic on any tree.
    let file = parse.tree();
    for item in file.items() {
        let _ = item.syntax().text_range();
    }
    for record in file.records() {
        let rules = crate::ast::RulesRecord::new(record.clone());
        for column in record.columns() {
            let _ = column.value();
        }
        let _ = (rules.action(), rules.source(), rules.dest(), rules.dport());
    }
    for directive in file.directives() {
        let _ = (directive.name(), directive.argument());
    }
}
