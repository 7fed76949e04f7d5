//! Completion, by the column under the cursor.
//!
//! The context comes from the text of the logical line before the cursor, split into columns
//! as Shorewall splits them, so it works on the half-typed line an editor completes in:
//! - rules, blrules, macro and action files: in ACTION the built-in actions, the actions and the
//!   macros (inserted as `Name(`, their targets completed inside the parentheses), log levels
//!   after `ACTION:`; zones (and `$FW`, `all`, `any`, `none`, ...) in SOURCE and DEST, the
//!   interfaces after `zone:`; protocol names in PROTO; service names in DPORT and SPORT;
//! - `?SECTION ` the sections still allowed after the ones before it; `?` the directives;
//! - policy, zones, interfaces and hosts: zones, policies, log levels, zone types, options;
//! - shorewall6.conf: the settings, and after `NAME=` the values the manpage lists;
//! - `$` anywhere: the params.

use shorewall_syntax::{ColumnKind, Family, FileKind, TextRange, TextSize};

use crate::{
    ide::{
        cursor::{format_before, logical_line, typed_columns},
        db::{dir_of, Inputs},
        FilePosition,
    },
    manpages,
    model::{builtin_target, is_setting, Model, Section, Value, BUILTIN_TARGETS},
};

/// One proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// A short note beside the label (a zone's type, a service's port).
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// The text the item replaces: the word being typed.
    pub range: TextRange,
    /// What to insert, when it is not the label (`SSH(` for a macro).
    pub insert: Option<String>,
    /// Whether to complete again after inserting (inside a macro's parentheses).
    pub retrigger: bool,
    /// Orders items where the label alone would not (built-ins before macros).
    pub sort_text: String,
    /// For a macro: its name, so that its documentation can be looked up when the editor asks
    /// for it ([`macro_documentation`]); reading every macro file up front would be slow.
    pub macro_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A built-in action (`ACCEPT`, `DNAT`, ...).
    Builtin,
    /// An action of `actions.std` or `actions`.
    Action,
    Macro,
    Zone,
    /// `$FW`, `all`, `any`, `none` and their variants.
    SpecialZone,
    Interface,
    Param,
    Protocol,
    Service,
    LogLevel,
    Section,
    Directive,
    /// A zone, interface or host option; a policy; a zone type.
    Keyword,
    Setting,
    Value,
}

pub(crate) fn completion(db: &Inputs, position: &FilePosition) -> Vec<CompletionItem> {
    let Some(text) = db.text(&position.path) else {
        return Vec::new();
    };
    let offset = usize::from(position.offset).min(text.len());
    if !text.is_char_boundary(offset) {
        return Vec::new();
    }
    let file_type = db.file_type(&position.path);
    let model = db.recent_model(dir_of(&position.path));
    let (line_start, _) = logical_line(&text, offset);
    let before = text.get(line_start..offset).unwrap_or("");
    let word_start = offset - word_before(before).len();
    let ctx = Ctx {
        model: &model,
        range: TextRange::new(
            TextSize::from(word_start as u32),
            TextSize::from(offset as u32),
        ),
        word: text.get(word_start..offset).unwrap_or(""),
    };
    if ctx.word.starts_with('$') {
        return params(&ctx);
    }
    match file_type.kind {
        FileKind::Conf => return settings(&ctx, before, file_type.family),
        FileKind::Params | FileKind::KeyValue => return Vec::new(),
        _ => {}
    }
    if let Some(res) = directive(&ctx, &text, line_start, before, file_type.kind) {
        return res;
    }
    let Some((finished, current, _)) = typed_columns(before) else {
        return Vec::new();
    };
    // Only some files' columns depend on `?FORMAT`; finding it reads the file up to the line.
    let format = if file_type.columns(1) == file_type.columns(2) {
        1
    } else {
        format_before(&text, line_start)
    };
    let Some(spec) = file_type.columns(format).get(finished.len()) else {
        return Vec::new();
    };
    let kind = file_type.kind;
    match spec.kind {
        ColumnKind::Action if kind.has_rule_columns() => actions(&ctx, current),
        ColumnKind::Host if kind.has_rule_columns() => host(&ctx, current),
        ColumnKind::ZoneOrAll => zone_or_all(&ctx, kind),
        ColumnKind::Zone if current.contains(':') => zones(&ctx),
        ColumnKind::InterfaceHosts if !current.contains(':') => interfaces(&ctx),
        ColumnKind::Proto => protocols(&ctx),
        ColumnKind::Ports => {
            let proto = finished
                .get(3)
                .filter(|_| kind.has_rule_columns())
                .copied()
                .unwrap_or("tcp");
            services(&ctx, proto)
        }
        ColumnKind::Options => options(&ctx, kind),
        ColumnKind::Policy => policy(&ctx, current),
        ColumnKind::LogLevel => log_levels(&ctx),
        ColumnKind::Plain if kind == FileKind::Zones && spec.name == "TYPE" => zone_types(&ctx),
        _ => Vec::new(),
    }
}

/// The documentation of a macro, for an item whose `macro_name` is set.
pub(crate) fn macro_documentation(
    db: &Inputs,
    dir: &std::path::Path,
    name: &str,
) -> Option<String> {
    let model = db.recent_model(dir);
    let (path, text) = super::library::macro_file(db, &model, name)?;
    Some(super::library::macro_markdown(name, &path, &text))
}

/// What every proposal of one request shares.
struct Ctx<'a> {
    model: &'a Model,
    range: TextRange,
    word: &'a str,
}

impl Ctx<'_> {
    fn item(&self, label: impl Into<String>, kind: CompletionKind) -> CompletionItem {
        CompletionItem {
            label: label.into(),
            kind,
            detail: None,
            documentation: None,
            range: self.range,
            insert: None,
            retrigger: false,
            sort_text: String::new(),
            macro_name: None,
        }
    }
}

impl CompletionItem {
    fn detail(mut self, detail: impl Into<String>) -> CompletionItem {
        self.detail = Some(detail.into());
        self
    }

    fn documentation(mut self, documentation: Option<&str>) -> CompletionItem {
        self.documentation = documentation.map(str::to_owned);
        self
    }

    fn sort(mut self, group: u8) -> CompletionItem {
        self.sort_text = format!("{group}{}", self.label);
        self
    }
}

/// The part of the word before the cursor: back to a blank or a separator.
fn word_before(before: &str) -> &str {
    let start = before
        .char_indices()
        .rev()
        .find(|(_, ch)| {
            ch.is_whitespace()
                || matches!(
                    ch,
                    '(' | ')' | ',' | ':' | '<' | '>' | '[' | ']' | '=' | ';' | '/' | '\\' | '&'
                )
        })
        .map_or(0, |(idx, ch)| idx + ch.len_utf8());
    before.get(start..).unwrap_or("")
}

/// `$NAME`: the params, `FW`, and the settings (Shorewall expands those too).
fn params(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    let braced = ctx.word.starts_with("${");
    let label = |name: &str| {
        if braced {
            format!("${{{name}}}")
        } else {
            format!("${name}")
        }
    };
    let mut res: Vec<CompletionItem> = ctx
        .model
        .params
        .iter()
        .map(|param| {
            let value = match &param.value {
                Value::Known(it) => it.clone(),
                Value::Unknown => "(set by shell code)".to_owned(),
            };
            ctx.item(label(&param.name), CompletionKind::Param)
                .detail(value)
                .sort(0)
        })
        .collect();
    if ctx.model.params.get("FW").is_none() {
        let zone = ctx.model.firewall_zone.as_deref().unwrap_or("fw");
        res.push(
            ctx.item(label("FW"), CompletionKind::Param)
                .detail(format!("the firewall zone ({zone})"))
                .sort(1),
        );
    }
    res
}

/// shorewall6.conf: setting names, or the values of the setting before `=`.
fn settings(ctx: &Ctx<'_>, before: &str, family: Family) -> Vec<CompletionItem> {
    match before.split_once('=') {
        None => manpages::conf_options()
            .iter()
            .filter(|name| is_setting(name, family))
            .map(|name| {
                let mut item = ctx
                    .item(*name, CompletionKind::Setting)
                    .documentation(manpages::conf_option(name));
                item.insert = Some(format!("{name}="));
                item
            })
            .collect(),
        Some((name, _)) => manpages::conf_values(name.trim())
            .iter()
            .map(|value| ctx.item(*value, CompletionKind::Value))
            .collect(),
    }
}

/// The names of the directives a column file may hold.
const DIRECTIVES: &[&str] = &[
    "?COMMENT",
    "?FORMAT",
    "?IF",
    "?ELSIF",
    "?ELSE",
    "?ENDIF",
    "?SET",
    "?RESET",
    "?REQUIRE",
    "?ERROR",
    "?WARNING",
    "?INFO",
    "?BEGIN PERL",
    "?END PERL",
];

/// `?` at the start of a line (the directives) or `?SECTION ` (the sections still allowed).
fn directive(
    ctx: &Ctx<'_>,
    text: &str,
    line_start: usize,
    before: &str,
    kind: FileKind,
) -> Option<Vec<CompletionItem>> {
    let trimmed = before.trim_start();
    if trimmed.starts_with('?') && !trimmed.contains(char::is_whitespace) {
        let sections = kind == FileKind::Rules;
        let range = TextRange::new(ctx.range.end() - TextSize::of(trimmed), ctx.range.end());
        let names = std::iter::once("?SECTION")
            .filter(|_| sections)
            .chain(DIRECTIVES.iter().copied());
        let items = names
            .map(|name| {
                let mut item = ctx.item(name, CompletionKind::Directive);
                item.range = range;
                item
            })
            .collect();
        return Some(items);
    }
    let upper = trimmed.to_ascii_uppercase();
    let after = upper
        .strip_prefix("?SECTION")
        .or_else(|| upper.strip_prefix("SECTION"))?;
    if !after.starts_with(char::is_whitespace) || kind != FileKind::Rules {
        return None;
    }
    let last = last_section(text.get(..line_start).unwrap_or(""));
    let items = Section::ORDER
        .iter()
        .filter(|it| last.is_none_or(|last| **it > last))
        .map(|it| {
            ctx.item(it.name(), CompletionKind::Section)
                .documentation(manpages::section(it.name()))
        })
        .collect();
    Some(items)
}

/// The last section a rules file's text opens.
fn last_section(text: &str) -> Option<Section> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix("?SECTION")
                .or_else(|| line.strip_prefix("?section"))
                .or_else(|| line.strip_prefix("SECTION"))?;
            let name = rest.split('#').next()?.trim();
            Section::from_name(&name.to_ascii_uppercase())
        })
        .next_back()
}

/// The ACTION column: targets, `Macro(` + targets inside, log levels after `:`.
fn actions(ctx: &Ctx<'_>, current: &str) -> Vec<CompletionItem> {
    let mut depth = 0usize;
    let mut colons = 0usize;
    let mut colon_in_params = false;
    for ch in current.chars() {
        match ch {
            '(' => {
                depth += 1;
                colon_in_params = false;
            }
            ')' => depth = depth.saturating_sub(1),
            ',' if depth > 0 => colon_in_params = false,
            ':' if depth == 0 => colons += 1,
            ':' => colon_in_params = true,
            _ => {}
        }
    }
    if depth > 0 {
        if colon_in_params {
            return log_levels(ctx);
        }
        return targets(ctx);
    }
    match colons {
        0 => {
            let mut res = targets(ctx);
            res.extend(macros(ctx));
            res
        }
        1 => log_levels(ctx),
        _ => Vec::new(),
    }
}

/// The built-in targets and the actions: what an ACTION column or a macro's parameter takes.
fn targets(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    let family = ctx.model.family;
    let mut res: Vec<CompletionItem> = BUILTIN_TARGETS
        .iter()
        .filter(|name| builtin_target(name, family).is_some())
        .map(|name| {
            ctx.item(*name, CompletionKind::Builtin)
                .documentation(manpages::action(name))
                .sort(0)
        })
        .collect();
    res.extend(ctx.model.catalog.actions.iter().map(|action| {
        let mut item = ctx
            .item(action.name.clone(), CompletionKind::Action)
            .sort(1);
        if !action.description.is_empty() {
            item.detail = Some(action.description.clone());
        }
        item
    }));
    res
}

/// The macros, inserted as `Name(` so that the target is typed next.
fn macros(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    ctx.model
        .catalog
        .macro_names
        .iter()
        .map(|name| {
            let mut item = ctx
                .item(name.clone(), CompletionKind::Macro)
                .detail("macro")
                .sort(2);
            item.insert = Some(format!("{name}("));
            item.retrigger = true;
            item.macro_name = Some(name.clone());
            item
        })
        .collect()
}

fn log_levels(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    manpages::log_levels()
        .iter()
        .enumerate()
        .map(|(idx, name)| {
            let mut item = ctx
                .item(*name, CompletionKind::LogLevel)
                .documentation(manpages::log_level(name));
            // Keep the manpage's order: by severity, the names before their numbers.
            item.sort_text = format!("{idx:02}");
            item
        })
        .collect()
}

/// SOURCE or DEST of a rule: zones, or interfaces after `zone:`.
fn host(ctx: &Ctx<'_>, current: &str) -> Vec<CompletionItem> {
    match current.split_once(':') {
        None => {
            let mut res = zones(ctx);
            res.extend(special_zones(ctx, true));
            res
        }
        Some((_, rest)) if !rest.contains([':', '[', '<', '+', '!', '&', '~']) => interfaces(ctx),
        Some(_) => Vec::new(),
    }
}

/// A zone column of policy, interfaces or hosts.
fn zone_or_all(ctx: &Ctx<'_>, kind: FileKind) -> Vec<CompletionItem> {
    let mut res = zones(ctx);
    match kind {
        FileKind::Policy => res.extend(special_zones(ctx, false)),
        FileKind::Interfaces => {
            res.push(
                ctx.item("-", CompletionKind::SpecialZone)
                    .detail("zones in the hosts file")
                    .sort(1),
            );
        }
        _ => {}
    }
    res
}

fn zones(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    ctx.model
        .zones
        .iter()
        .map(|zone| {
            ctx.item(zone.name.clone(), CompletionKind::Zone)
                .detail(zone.type_text.clone())
                .sort(0)
        })
        .collect()
}

/// `$FW`, `all`, `any` (and in rules `all+`, `all-`, `any+`, `any-`, `none`).
fn special_zones(ctx: &Ctx<'_>, in_rules: bool) -> Vec<CompletionItem> {
    let mut names: Vec<(&str, &str)> = vec![
        ("$FW", "the firewall zone"),
        ("all", "every zone"),
        ("any", "every zone, including nested ones"),
    ];
    if in_rules {
        names.extend([
            ("all+", "every zone, with intra-zone traffic"),
            ("all-", "every zone but the firewall"),
            (
                "any+",
                "every zone, nested ones and intra-zone traffic included",
            ),
            ("any-", "every zone but the firewall, nested ones included"),
            ("none", "no zone: the rule is ignored"),
        ]);
    }
    names
        .into_iter()
        .map(|(name, detail)| {
            ctx.item(name, CompletionKind::SpecialZone)
                .detail(detail)
                .sort(1)
        })
        .collect()
}

fn interfaces(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    ctx.model
        .interfaces
        .iter()
        .map(|interface| {
            let detail = match &interface.zone {
                Some(zone) => format!("interface of zone {zone}"),
                None => "interface".to_owned(),
            };
            ctx.item(interface.name.clone(), CompletionKind::Interface)
                .detail(detail)
        })
        .collect()
}

/// Protocol names: the common ones first.
fn protocols(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    let common: &[&str] = match ctx.model.family {
        Family::Ipv6 => &["tcp", "udp", "ipv6-icmp", "icmp", "all"],
        Family::Ipv4 => &["tcp", "udp", "icmp", "all"],
    };
    let mut res: Vec<CompletionItem> = common
        .iter()
        .map(|name| ctx.item(*name, CompletionKind::Protocol).sort(0))
        .collect();
    for (name, number) in ctx.model.names.protocol_names() {
        // `/etc/protocols` gives each protocol an upper-case alias too; one name is enough.
        if common.contains(&name) || name.chars().any(|it| it.is_ascii_uppercase()) {
            continue;
        }
        res.push(
            ctx.item(name, CompletionKind::Protocol)
                .detail(format!("protocol {number}"))
                .sort(1),
        );
    }
    res
}

/// The service names of the line's protocol (tcp when it has none).
fn services(ctx: &Ctx<'_>, proto: &str) -> Vec<CompletionItem> {
    let proto = match proto {
        "-" | "" => "tcp",
        "6" => "tcp",
        "17" => "udp",
        other => other,
    };
    ctx.model
        .names
        .service_names(proto)
        .into_iter()
        .map(|(name, port)| {
            ctx.item(name, CompletionKind::Service)
                .detail(format!("{port}/{proto}"))
        })
        .collect()
}

fn options(ctx: &Ctx<'_>, kind: FileKind) -> Vec<CompletionItem> {
    type Doc = fn(&str) -> Option<&'static str>;
    let (names, doc): (&[&str], Doc) = match kind {
        FileKind::Zones => (manpages::zone_options(), manpages::zone_option),
        FileKind::Interfaces => (manpages::interface_options(), manpages::interface_option),
        FileKind::Hosts => (manpages::host_options(), manpages::host_option),
        _ => return Vec::new(),
    };
    names
        .iter()
        .map(|name| {
            ctx.item(*name, CompletionKind::Keyword)
                .documentation(doc(name))
        })
        .collect()
}

/// The POLICY column: the policies, and after `POLICY:` the default actions.
fn policy(ctx: &Ctx<'_>, current: &str) -> Vec<CompletionItem> {
    if current.contains(':') {
        let mut res: Vec<CompletionItem> = ctx
            .model
            .catalog
            .actions
            .iter()
            .map(|it| ctx.item(it.name.clone(), CompletionKind::Action))
            .collect();
        res.extend(macros(ctx).into_iter().map(|mut it| {
            it.insert = None;
            it.retrigger = false;
            it
        }));
        res.push(ctx.item("none", CompletionKind::Keyword));
        return res;
    }
    manpages::policies()
        .iter()
        .map(|name| {
            ctx.item(*name, CompletionKind::Keyword)
                .documentation(manpages::policy(name))
        })
        .collect()
}

fn zone_types(ctx: &Ctx<'_>) -> Vec<CompletionItem> {
    manpages::zone_types()
        .iter()
        .map(|name| {
            ctx.item(*name, CompletionKind::Keyword)
                .documentation(manpages::zone_type(name))
        })
        .collect()
}

#[cfg(test)]
mod tests;
