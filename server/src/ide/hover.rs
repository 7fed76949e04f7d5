//! Hover: Markdown about what is under the cursor.
//!
//! - a zone: its type, options, interfaces and hosts, and where it is defined;
//! - a `$PARAM`: its value and where it is set (a setting: its value and manpage text);
//! - an interface: its zone and options;
//! - a macro: its description and the rules it expands to; an action: its declaration;
//! - a built-in action, a policy, a log level, a section, a zone type, an option, a setting:
//!   the manpage's text;
//! - a service name in DPORT or SPORT: the port it resolves to; a protocol name: its number;
//! - anything else in a column: the manpage's text for the column.

use shorewall_syntax::{
    ast::{self, AstNode},
    ColumnKind, FileKind, SyntaxKind, SyntaxToken, TextRange,
};

use crate::{
    ide::{
        compiled_rules,
        cursor::{column_of, column_spec, LocalLine},
        db::{dir_of, Inputs},
        library,
        resolve::{self, Name},
        FilePosition,
    },
    manpages,
    model::{is_setting, Model, Site, Value},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    /// What the text is about.
    pub range: TextRange,
    pub markdown: String,
}

pub(crate) fn hover(db: &Inputs, position: &FilePosition) -> Option<HoverResult> {
    let text = db.text(&position.path)?;
    let file_type = db.file_type(&position.path);
    let line = LocalLine::at(&text, file_type, position.offset);
    let token = line.token_at(position.offset)?;
    let mut res = hover_token(db, position, &line, &token)?;
    let in_action = column_of(&token)
        .is_some_and(|(record, column)| record.columns().next().as_ref() == Some(&column));
    if in_action && matches!(file_type.kind, FileKind::Rules | FileKind::BlRules) {
        if let Some(rules) = compiled_rules::rules_of_line(db, &position.path, line.start()) {
            res.markdown.push_str(&compiled_markdown(&rules));
        }
    }
    Some(res)
}

/// The hover section with the ip6tables rules of a rules line.
fn compiled_markdown(rules: &[String]) -> String {
    if rules.is_empty() {
        return "\n\n---\n\nThis line adds no ip6tables rule of its own.".to_owned();
    }
    let mut res = String::from("\n\n---\n\nip6tables:\n\n```\n");
    for rule in rules {
        res.push_str(rule);
        res.push('\n');
    }
    res.push_str("```");
    res
}

fn hover_token(
    db: &Inputs,
    position: &FilePosition,
    line: &LocalLine,
    token: &SyntaxToken,
) -> Option<HoverResult> {
    let file_type = line.file_type;
    let model = db.recent_model(dir_of(&position.path));
    let kind = file_type.kind;
    if let Some((markdown, local)) = keyword(&model, token, kind) {
        let range = if local.is_empty() {
            token.text_range()
        } else {
            local
        };
        let range = line.to_file(range);
        return Some(HoverResult { range, markdown });
    }
    if let Some((name, range)) = resolve::name_at(line, position.offset, &model) {
        if let Some(markdown) = name_markdown(db, &model, &name) {
            return Some(HoverResult { range, markdown });
        }
    }
    let (record, column) = column_of(token)?;
    let spec = column_spec(&record, &column, file_type.columns(line.format))?;
    let markdown = manpages::column(kind, spec.name)?;
    Some(HoverResult {
        range: line.to_file(column.syntax().text_range()),
        markdown: markdown.to_owned(),
    })
}

/// Words whose meaning comes from where they stand rather than from a definition: log levels,
/// sections, policies, zone types, options, settings, services, protocols, `all`/`any`.
/// Ranges are in the local tree; the caller maps them (an empty range means the token's).
fn keyword(model: &Model, token: &SyntaxToken, kind: FileKind) -> Option<(String, TextRange)> {
    let empty = TextRange::empty(0.into());
    let parent = token.parent()?;
    let text = token.text();
    if let Some(level) = parent.ancestors().find_map(ast::LogLevel::cast) {
        let word = level.syntax().first_token()?.text().to_owned();
        let name = word.trim_end_matches('!');
        return manpages::log_level(name).map(|it| (it.to_owned(), empty));
    }
    if let Some(directive) = parent.ancestors().find_map(ast::Directive::cast) {
        return directive_markdown(&directive, token).map(|it| (it, empty));
    }
    if let Some(assignment) = parent.ancestors().find_map(ast::Assignment::cast) {
        if kind == FileKind::Conf && parent.kind() == SyntaxKind::ASSIGNMENT_NAME {
            return setting_markdown(model, &assignment.name()?).map(|it| (it, empty));
        }
        return None;
    }
    match parent.kind() {
        SyntaxKind::OPTION_NAME => {
            let name = ast::significant_text(&parent);
            let doc = match kind {
                FileKind::Zones => manpages::zone_option(&name),
                FileKind::Interfaces => manpages::interface_option(&name),
                FileKind::Hosts => manpages::host_option(&name),
                _ => None,
            };
            return doc.map(|it| (it.to_owned(), parent.text_range()));
        }
        SyntaxKind::ZONE_REF => {
            let zone = ast::ZoneRef::cast(parent)?;
            return zone
                .is_wildcard()
                .then(|| (wildcard_markdown(&zone.text()), empty));
        }
        _ => {}
    }
    if let Some(proto) = parent.ancestors().find_map(ast::Proto::cast) {
        let name = proto.name();
        let number = model.names.protocol_number(&name)?;
        let markdown = format!("**{name}**: protocol number {number}");
        return Some((markdown, proto.syntax().text_range()));
    }
    if let Some(port) = parent.ancestors().find_map(ast::Port::cast) {
        let markdown = service_markdown(model, &port)?;
        return Some((markdown, port.syntax().text_range()));
    }
    let (record, column) = column_of(token)?;
    let spec = column_spec(&record, &column, kind.columns(1))?;
    if kind == FileKind::Zones && spec.name == "TYPE" {
        return manpages::zone_type(text).map(|it| (it.to_owned(), empty));
    }
    let in_policy_name = spec.kind == ColumnKind::Policy
        && parent.kind() == SyntaxKind::ACTION_NAME
        && parent
            .parent()
            .and_then(ast::ActionSpec::cast)
            .is_some_and(|spec| {
                spec.syntax()
                    .parent()
                    .is_some_and(|it| it.kind() == SyntaxKind::COLUMN)
            });
    if in_policy_name {
        return manpages::policy(text).map(|it| (it.to_owned(), empty));
    }
    None
}

fn directive_markdown(directive: &ast::Directive, token: &SyntaxToken) -> Option<String> {
    let name = directive.name();
    let is_name = directive.name_token().as_ref() == Some(token);
    if name == "SECTION" && !is_name {
        return manpages::section(directive.argument().trim()).map(str::to_owned);
    }
    if is_name {
        let key = format!("?{name}");
        return manpages::action(&key)
            .or_else(|| manpages::action(&name))
            .map(str::to_owned);
    }
    None
}

fn setting_markdown(model: &Model, name: &str) -> Option<String> {
    let doc = manpages::conf_option(name);
    if !is_setting(name, model.family) && doc.is_none() {
        return None;
    }
    let mut res = format!("**{name}** = `{}`", model.settings.get(name));
    if !model.settings.is_set(name) {
        res.push_str(" (the default)");
    }
    if let Some(doc) = doc {
        res.push_str("\n\n---\n\n");
        res.push_str(doc);
    }
    Some(res)
}

fn wildcard_markdown(text: &str) -> String {
    let base = if text.starts_with("any") {
        "any"
    } else {
        "all"
    };
    let mut res = format!("**{text}**: every zone");
    if base == "any" {
        res.push_str(", nested zones (those with parents) included");
    }
    if text.contains('+') {
        res.push_str("; with `+`, traffic from a zone to itself is included");
    }
    if text.contains('-') {
        res.push_str("; with `-`, the firewall zone is left out");
    }
    res.push('.');
    res
}

/// A service name in DPORT or SPORT: the port it resolves to for the line's protocol.
fn service_markdown(model: &Model, port: &ast::Port) -> Option<String> {
    let name = port.text();
    let name = name.as_str();
    if name.chars().all(|it| it.is_ascii_digit()) {
        return None;
    }
    let record = port.syntax().ancestors().find_map(ast::Record::cast)?;
    let proto = ast::RulesRecord::new(record)
        .proto()
        .and_then(|it| it.value())
        .unwrap_or_default();
    let protos: Vec<&str> = match proto.as_str() {
        "" => vec!["tcp", "udp"],
        other => other.split(',').collect(),
    };
    let found: Vec<String> = protos
        .iter()
        .filter_map(|proto| {
            let port = model.names.service_port(name, proto)?;
            Some(format!("{port}/{proto}"))
        })
        .collect();
    if found.is_empty() {
        return None;
    }
    Some(format!(
        "**{name}**: port {} (from {})",
        found.join(", "),
        model.names.source
    ))
}

fn name_markdown(db: &Inputs, model: &Model, name: &Name) -> Option<String> {
    match name {
        Name::Zone(zone) => zone_markdown(model, zone),
        Name::Param(param) => param_markdown(model, param),
        Name::Interface(interface) => interface_markdown(model, interface),
        Name::Macro(name) => {
            let (path, text) = library::macro_file(db, model, name)?;
            Some(library::macro_markdown(name, &path, &text))
        }
        Name::Action(name) => action_markdown(model, name),
        Name::Builtin(written) => manpages::action(written)
            .or_else(|| manpages::action(written.trim_end_matches(['!', '+', '-'])))
            .map(str::to_owned),
    }
}

/// "`path` line N", for a place in the model.
fn place(model: &Model, site: Site) -> String {
    match model.file(site.file) {
        Some(file) => {
            let line = file.line_index.line_col(site.range.start()).line + 1;
            let name = file
                .path
                .strip_prefix(&model.dir)
                .unwrap_or(&file.path)
                .display();
            format!("`{name}` line {line}")
        }
        None => "an unknown place".to_owned(),
    }
}

fn zone_markdown(model: &Model, name: &str) -> Option<String> {
    let zone = model.zone(name)?;
    let mut res = format!("**zone {}** (`{}`)", zone.name, zone.type_text);
    if !zone.parents.is_empty() {
        res.push_str(&format!("\n\nParents: {}", zone.parents.join(", ")));
    }
    for (label, options) in [
        ("Options", &zone.options),
        ("In options", &zone.in_options),
        ("Out options", &zone.out_options),
    ] {
        if !options.is_empty() && options != "-" {
            res.push_str(&format!("\n\n{label}: `{options}`"));
        }
    }
    let interfaces: Vec<String> = model
        .interfaces
        .iter()
        .filter(|it| it.zone.as_deref() == Some(name))
        .map(|it| format!("`{}`", it.name))
        .collect();
    if !interfaces.is_empty() {
        res.push_str(&format!("\n\nInterfaces: {}", interfaces.join(", ")));
    }
    let hosts: Vec<String> = model
        .hosts
        .iter()
        .filter(|it| it.zone == name)
        .map(|it| format!("`{}:{}`", it.interface, it.hosts))
        .collect();
    if !hosts.is_empty() {
        res.push_str(&format!("\n\nHosts: {}", hosts.join(", ")));
    }
    res.push_str(&format!("\n\nDefined in {}", place(model, zone.name_site)));
    Some(res)
}

fn param_markdown(model: &Model, name: &str) -> Option<String> {
    if let Some(param) = model.params.get(name) {
        let value = match &param.value {
            Value::Known(it) => format!("= `{it}`"),
            Value::Unknown => "is set by shell code that shorewall-ls does not run".to_owned(),
        };
        return Some(format!(
            "**${name}** {value}\n\nSet in {}",
            place(model, param.site)
        ));
    }
    if name == "FW" {
        let zone = model.firewall_zone.as_deref().unwrap_or("fw");
        return Some(format!("**$FW** = `{zone}`: the firewall zone"));
    }
    setting_markdown(model, name)
}

fn interface_markdown(model: &Model, name: &str) -> Option<String> {
    let interface = model.interface(name).or_else(|| {
        model
            .interfaces
            .iter()
            .find(|it| it.is_wildcard() && name.starts_with(it.name.trim_end_matches('+')))
    })?;
    let mut res = format!("**interface {}**", interface.name);
    match &interface.zone {
        Some(zone) => res.push_str(&format!(" of zone `{zone}`")),
        None => res.push_str(" (its zones are in the hosts file)"),
    }
    if interface.physical != interface.name {
        res.push_str(&format!("\n\nPhysical name: `{}`", interface.physical));
    }
    if !interface.options.is_empty() {
        let options: Vec<String> = interface
            .options
            .iter()
            .map(|(name, value)| match value {
                Some(value) => format!("`{name}={value}`"),
                None => format!("`{name}`"),
            })
            .collect();
        res.push_str(&format!("\n\nOptions: {}", options.join(", ")));
    }
    res.push_str(&format!(
        "\n\nDefined in {}",
        place(model, interface.name_site)
    ));
    Some(res)
}

fn action_markdown(model: &Model, name: &str) -> Option<String> {
    let action = model.catalog.action(name)?;
    let mut res = format!("**action {name}**");
    if !action.description.is_empty() {
        res.push_str(&format!("\n\n{}", action.description));
    }
    if !action.options.is_empty() {
        res.push_str(&format!("\n\nOptions: `{}`", action.options.join(",")));
    }
    res.push_str(&format!(
        "\n\nDeclared in {}",
        place(model, action.declared)
    ));
    if let Some(file) = action.file.and_then(|it| model.file(it)) {
        res.push_str(&format!("; body in `{}`", file.path.display()));
    }
    Some(res)
}

#[cfg(test)]
mod tests;
