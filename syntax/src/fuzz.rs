//! The entry point shared by the fuzz targets, the property tests and the corpus tests: parse,
//! then check the invariants every parse must keep.

use crate::{ast, ast::AstNode, parse, FileType, LineIndex, SyntaxKind};

/// Parses `text` and panics if an invariant is broken: the tree's text must be the input, every
/// error range must lie inside the text and on character boundaries, the errors must be sorted,
/// and no typed accessor may panic on the tree.
pub fn check_parser(text: &str, file_type: FileType) {
    let parse = parse(text, file_type);
    let root = parse.syntax();
    assert_eq!(root.to_string(), text, "the tree must be lossless");
    assert_eq!(root.kind(), SyntaxKind::SOURCE_FILE);
    let len = root.text_range().end();
    let mut last = None;
    for error in parse.errors() {
        assert!(
            error.range.end() <= len,
            "error range out of bounds: {error:?}"
        );
        assert!(
            text.is_char_boundary(error.range.start().into())
                && text.is_char_boundary(error.range.end().into()),
            "error range splits a character: {error:?}"
        );
        if let Some(last) = last {
            assert!(last <= error.range.start(), "errors must be sorted");
        }
        last = Some(error.range.start());
    }
    // Every error position converts to a line and column.
    let index = LineIndex::new(text);
    for error in parse.errors() {
        let _ = index.line_col(error.range.start());
    }
    typed_views(&parse);
}

/// Calls every typed accessor on every node it applies to.
fn typed_views(parse: &crate::Parse) {
    let file = parse.tree();
    let _ = file.records_with_format();
    let _ = file.comments().count();
    for item in file.items() {
        let _ = item.syntax().text_range();
    }
    for record in file.records() {
        let rules = ast::RulesRecord::new(record.clone());
        for column in record.columns() {
            let _ = (column.value(), column.is_placeholder());
            let _ = column.host_specs().count();
        }
        for pair in record.pairs() {
            let _ = (pair.name(), pair.value());
        }
        let _ = (
            record.comment(),
            record.content_range(),
            record.raw_matches(),
        );
        let _ = (rules.action(), rules.source(), rules.dest(), rules.dport());
        let _ = (rules.rate(), rules.user(), rules.time(), rules.helper());
        for format in [1, 2] {
            let zones = ast::ZonesRecord::new(record.clone(), format);
            let interfaces = ast::InterfacesRecord::new(record.clone(), format);
            let hosts = ast::HostsRecord::new(record.clone(), format);
            let policy = ast::PolicyRecord::new(record.clone(), format);
            let _ = (zones.zone(), zones.out_options(), interfaces.broadcast());
            let _ = (hosts.hosts(), policy.policy(), policy.connlimit());
        }
    }
    for directive in file.directives() {
        let _ = (
            directive.name(),
            directive.argument(),
            directive.has_question_mark(),
        );
    }
    for assignment in file.assignments() {
        let _ = (
            assignment.name(),
            assignment.raw_value(),
            assignment.is_export(),
        );
    }
    for node in parse.syntax().descendants() {
        node_views(node);
    }
}

fn node_views(node: crate::SyntaxNode) {
    if let Some(it) = ast::ActionSpec::cast(node.clone()) {
        let _ = (
            it.name_text(),
            it.params(),
            it.macro_target(),
            it.log_spec(),
        );
        let _ = it.default_actions().count();
    } else if let Some(it) = ast::LogSpec::cast(node.clone()) {
        let _ = (it.level(), it.tag(), it.is_forced());
    } else if let Some(it) = ast::HostSpec::cast(node.clone()) {
        let _ = (it.zone(), it.zone_list(), it.interface(), it.addresses());
        let _ = (it.zone_refs(), it.server_port());
    } else if let Some(it) = ast::ZoneRef::cast(node.clone()) {
        let _ = (it.is_wildcard(), it.wildcard_suffix());
    } else if let Some(it) = ast::ZoneList::cast(node.clone()) {
        let _ = (it.zones().count(), it.exclusion(), it.includes_intrazone());
    } else if let Some(it) = ast::AddressList::cast(node.clone()) {
        let _ = (it.items().count(), it.ranges().count());
    } else if let Some(it) = ast::Address::cast(node.clone()) {
        let _ = (it.range(), it.interface());
    } else if let Some(it) = ast::AddressRange::cast(node.clone()) {
        let _ = (it.low(), it.high());
    } else if let Some(it) = ast::Ipset::cast(node.clone()) {
        let _ = (it.names().count(), it.flags(), it.is_list());
    } else if let Some(it) = ast::Proto::cast(node.clone()) {
        let _ = (it.name(), it.option());
    } else if let Some(it) = ast::PortRange::cast(node.clone()) {
        let _ = it.bounds();
    } else if let Some(it) = ast::Rate::cast(node.clone()) {
        let _ = (it.mode(), it.name(), it.value(), it.burst());
    } else if let Some(it) = ast::UserSpec::cast(node.clone()) {
        let _ = (it.is_negated(), it.user(), it.group(), it.program());
    } else if let Some(it) = ast::MarkSpec::cast(node.clone()) {
        let _ = (it.is_negated(), it.value(), it.mask(), it.designator());
    } else if let Some(it) = ast::ConnlimitSpec::cast(node.clone()) {
        let _ = (
            it.is_per_destination(),
            it.is_negated(),
            it.count(),
            it.mask(),
        );
    } else if let Some(it) = ast::TimeElement::cast(node.clone()) {
        let _ = (it.name(), it.value());
    } else if let Some(it) = ast::HeaderList::cast(node.clone()) {
        let _ = (it.is_negated(), it.mode(), it.headers().count());
    } else if let Some(it) = ast::SwitchSpec::cast(node.clone()) {
        let _ = (it.is_negated(), it.name(), it.initial());
    } else if let Some(it) = ast::OptionItem::cast(node.clone()) {
        let _ = (it.name(), it.name_range(), it.value());
    } else if let Some(it) = ast::EmbeddedBlock::cast(node) {
        let _ = it.language();
    }
}
