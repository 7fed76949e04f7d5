//! The rules and blrules files: every record checked as Shorewall 5.2.8's `process_rule` checks
//! it, macros expanded, and the resulting rules kept for the compiler.

use shorewall_syntax::{Family, FileKind};

use crate::model::{
    address,
    catalog::{self, flags, TargetKind},
    diagnostic::{Diagnostic, Site},
    expand::UNKNOWN,
    log_level,
    reader::{self, Event, Line, ReadOptions},
    settings::format_log_prefix,
    Ctx, RefTarget, Reference,
};

/// The sections of the rules file, in their required order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The blrules file.
    Blacklist,
    All,
    Established,
    Related,
    Invalid,
    Untracked,
    New,
}

impl Section {
    pub fn from_name(name: &str) -> Option<Section> {
        Some(match name {
            "ALL" => Section::All,
            "ESTABLISHED" => Section::Established,
            "RELATED" => Section::Related,
            "INVALID" => Section::Invalid,
            "UNTRACKED" => Section::Untracked,
            "NEW" => Section::New,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Section::Blacklist => "BLACKLIST",
            Section::All => "ALL",
            Section::Established => "ESTABLISHED",
            Section::Related => "RELATED",
            Section::Invalid => "INVALID",
            Section::Untracked => "UNTRACKED",
            Section::New => "NEW",
        }
    }

    pub const ORDER: [Section; 6] = [
        Section::All,
        Section::Established,
        Section::Related,
        Section::Invalid,
        Section::Untracked,
        Section::New,
    ];
}

/// The index of each rules column.
pub mod col {
    pub const ACTION: usize = 0;
    pub const SOURCE: usize = 1;
    pub const DEST: usize = 2;
    pub const PROTO: usize = 3;
    pub const DPORT: usize = 4;
    pub const SPORT: usize = 5;
    pub const ORIGDEST: usize = 6;
    pub const RATE: usize = 7;
    pub const USER: usize = 8;
    pub const MARK: usize = 9;
    pub const CONNLIMIT: usize = 10;
    pub const TIME: usize = 11;
    pub const HEADERS: usize = 12;
    pub const SWITCH: usize = 13;
    pub const HELPER: usize = 14;
    pub const COUNT: usize = 15;
}

/// A rule after macro expansion: what the compiler turns into ip6tables rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The record in the rules (or blrules) file.
    pub site: Site,
    /// The macro body lines this rule comes from, outermost first.
    pub macro_sites: Vec<Site>,
    pub section: Section,
    /// The 15 columns (ACTION with its log level merged from the invocation), `-` when empty.
    pub columns: Vec<String>,
    /// The `?COMMENT` in effect, or the macro name.
    pub comment: Option<String>,
    /// `;;` raw matches.
    pub raw_matches: Option<String>,
    /// Whether some column holds a value we could not know (a shell-computed param).
    pub has_unknown: bool,
}

impl Rule {
    pub fn column(&self, idx: usize) -> &str {
        self.columns.get(idx).map_or("-", String::as_str)
    }
}

/// Where an expanded rule's columns come from, for placing diagnostics.
#[derive(Clone)]
struct Invocation {
    /// The top-level record.
    line_site: Site,
    column_sites: Vec<Site>,
    /// The macro lines, outermost first (name, site).
    macros: Vec<(String, Site)>,
    /// Which columns came from the macro body rather than the invocation.
    from_body: Vec<bool>,
    /// The parameter of the enclosing macro, which a nested macro invoked without one (or with
    /// `PARAM`) inherits.
    param: Option<String>,
}

impl Invocation {
    fn site(&self, idx: usize) -> Site {
        if self.from_body.get(idx).copied().unwrap_or(false) {
            return self.column_sites.first().copied().unwrap_or(self.line_site);
        }
        self.column_sites
            .get(idx)
            .copied()
            .unwrap_or(self.line_site)
    }

    /// Adds "in macro X (line N)" context to a diagnostic raised on an expanded line.
    fn decorate(&self, ctx: &Ctx<'_>, mut diagnostic: Diagnostic) -> Diagnostic {
        for (name, site) in self.macros.iter().rev() {
            let line = ctx
                .model
                .files
                .get(site.file)
                .map_or(0, |it| it.line_index.line_col(site.range.start()).line + 1);
            let path = ctx
                .model
                .files
                .get(site.file)
                .map(|it| it.path.display().to_string())
                .unwrap_or_default();
            diagnostic.message = format!(
                "{} (in macro {name}, {path} line {line})",
                diagnostic.message
            );
            diagnostic.related.push((*site, format!("in macro {name}")));
        }
        diagnostic
    }
}

struct RuleState {
    section: Section,
    /// Sections seen so far.
    seen: Vec<Section>,
    file_kind: FileKind,
}

pub(crate) fn read_rules(ctx: &mut Ctx<'_>) {
    for (name, kind) in [("blrules", FileKind::BlRules), ("rules", FileKind::Rules)] {
        let Some(file) = ctx.load_config_file(name, kind) else {
            continue;
        };
        if !ctx.model.zones_checked {
            let site = Site {
                file,
                range: shorewall_syntax::TextRange::empty(0.into()),
            };
            ctx.diag(Diagnostic::info(
                "zones-not-checked",
                site,
                "there is no zones file beside this file: zone names were not checked",
            ));
        }
        let sections = kind == FileKind::Rules;
        let events = reader::read(
            ctx,
            file,
            ReadOptions {
                action_params: None,
                sections,
                action_vars: None,
            },
        );
        let initial = if kind == FileKind::BlRules {
            Section::Blacklist
        } else {
            Section::New
        };
        let mut state = RuleState {
            section: initial,
            seen: Vec::new(),
            file_kind: kind,
        };
        if kind == FileKind::Rules {
            // Until a ?SECTION appears, rules are in NEW (Shorewall's implicit sections).
            state.section = Section::New;
        }
        for event in events {
            match event {
                Event::Section { name, site } => section(ctx, &mut state, &name, site),
                Event::Record(line) => record(ctx, &mut state, &line),
                Event::Defaults { site, .. } => {
                    ctx.diag(Diagnostic::error(
                        "unknown-action",
                        site,
                        "Unknown ACTION (DEFAULTS)",
                    ));
                }
            }
        }
    }
}

fn section(ctx: &mut Ctx<'_>, state: &mut RuleState, name: &str, site: Site) {
    if name == "BLACKLIST" {
        ctx.diag(Diagnostic::error(
            "section-order",
            site,
            "The BLACKLIST section has been eliminated. Please move your BLACKLIST rules to the 'blrules' file",
        ));
        return;
    }
    let Some(section) = Section::from_name(name) else {
        ctx.diag(Diagnostic::error(
            "section-order",
            site,
            format!("Invalid SECTION ({name})"),
        ));
        return;
    };
    let out_of_order = state.seen.iter().any(|it| *it >= section);
    if out_of_order {
        ctx.diag(Diagnostic::error(
            "section-order",
            site,
            format!("Duplicate or out of order SECTION {name}"),
        ));
        return;
    }
    state.seen.push(section);
    state.section = section;
}

fn record(ctx: &mut Ctx<'_>, state: &mut RuleState, line: &Line) {
    let column_sites: Vec<Site> = (0..col::COUNT).map(|idx| line.site_of(idx)).collect();
    let invocation = Invocation {
        line_site: line.site,
        column_sites,
        macros: Vec::new(),
        from_body: vec![false; col::COUNT],
        param: None,
    };
    if !line.has(col::ACTION) {
        ctx.diag(Diagnostic::error(
            "invalid-action",
            line.site,
            "ACTION must be specified",
        ));
        return;
    }
    let mut columns: Vec<String> = (0..col::COUNT)
        .map(|idx| line.value(idx).to_owned())
        .collect();
    columns.truncate(col::COUNT);
    let rule = Rule {
        site: line.site,
        macro_sites: Vec::new(),
        section: state.section,
        columns,
        comment: line.comment.clone(),
        raw_matches: line.raw_matches.clone(),
        has_unknown: line.values.iter().any(|it| it.contains(UNKNOWN)),
    };
    process_rule(ctx, state, rule, &invocation, 0);
}

/// Splits `ACTION:level:tag` at colons outside parentheses (`split_action`).
pub fn split_action(action: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for ch in action.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    parts.push(current);
    parts
}

/// `TARGET(param)` or the 4.4 `MACRO/TARGET` → (target, param).
pub fn target_param(action: &str) -> (String, Option<String>) {
    if let Some((target, param)) = action.split_once('/') {
        return (target.to_owned(), Some(param.to_owned()));
    }
    if let Some(open) = action.find('(') {
        if let Some(inner) = action[open + 1..].strip_suffix(')') {
            return (action[..open].to_owned(), Some(inner.to_owned()));
        }
    }
    (action.to_owned(), None)
}

/// Shorewall's `merge_levels`: the invocation's log level applies to a macro's lines.
fn merge_levels(superior: &str, subordinate: &str) -> String {
    let sup = split_action(superior);
    let sub = split_action(subordinate);
    let target = sub.first().cloned().unwrap_or_default();
    let sub_count = sub.len();
    let level = sup.get(1).cloned().unwrap_or_default();
    let tag = sup.get(2).cloned().unwrap_or_default();
    let is_netlink = target.starts_with("NFLOG") || target.starts_with("ULOG");
    if sup.len() == 3 {
        if is_netlink {
            return format!("{subordinate}:{tag}");
        }
        if level == "none!" {
            return format!("{target}:none!:{tag}");
        }
        if level.ends_with('!') {
            return format!("{target}:{level}:{tag}");
        }
        if sub_count >= 2 {
            return subordinate.to_owned();
        }
        return format!("{target}:{level}:{tag}");
    }
    if sup.len() == 2 {
        if is_netlink {
            return subordinate.to_owned();
        }
        if level == "none!" {
            return format!("{target}:none!");
        }
        if level.ends_with('!') || sub_count < 2 {
            return format!("{target}:{level}");
        }
    }
    subordinate.to_owned()
}

const MAX_MACRO_NEST: usize = 10;

fn process_rule(ctx: &mut Ctx<'_>, state: &RuleState, rule: Rule, inv: &Invocation, depth: usize) {
    let action = rule.column(col::ACTION).to_owned();
    if action.contains(UNKNOWN) {
        ctx.model.rules.push(rule);
        return;
    }
    let source = rule.column(col::SOURCE);
    let dest = rule.column(col::DEST);
    if source.to_ascii_lowercase().split(':').next() == Some("none")
        || dest.to_ascii_lowercase().split(':').next() == Some("none")
    {
        return;
    }
    let parts = split_action(&action);
    if parts.len() > 3 {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                inv.site(col::ACTION),
                format!("Invalid ACTION ({action})"),
            ),
        );
        return;
    }
    let target_text = parts[0].clone();
    let log = parts.get(1).cloned().filter(|it| !it.is_empty());
    let tag = parts.get(2).cloned();
    let (basic, param) = target_param(&target_text);
    if target_text.contains('/') && inv.macros.is_empty() {
        let fixed = format!("{basic}({})", param.clone().unwrap_or_default());
        let site = inv.site(col::ACTION);
        let replacement = match &log {
            Some(level) => format!(
                "{fixed}:{level}{}",
                tag.as_ref().map(|it| format!(":{it}")).unwrap_or_default()
            ),
            None => fixed.clone(),
        };
        ctx.diag(
            Diagnostic::warning(
                "old-spelling",
                site,
                format!("'{target_text}' is the 4.4 macro syntax; Shorewall 5 writes '{fixed}'"),
            )
            .with_fix(format!("Replace with '{fixed}'"), site, replacement),
        );
    }
    let kind = catalog::resolve_target(ctx, &basic);
    reference_target(ctx, inv, &basic, kind.as_ref());
    let Some(kind) = kind else {
        let shown = match &log {
            Some(_) => target_text.clone(),
            None => action.clone(),
        };
        let message = if inv.macros.is_empty() {
            format!("Unknown ACTION ({shown})")
        } else {
            format!("Invalid Action ({shown}) in macro")
        };
        emit(
            ctx,
            inv,
            Diagnostic::error("unknown-action", inv.site(col::ACTION), message),
        );
        return;
    };
    if let Some(level) = &log {
        let level_only = level.trim_end_matches('!');
        if !matches!(kind, TargetKind::Builtin(f) if f & flags::NFLOG != 0)
            && log_level::validate(level_only).is_none()
        {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "invalid-log-level",
                    inv.site(col::ACTION),
                    format!("Invalid log level ({})", level.to_ascii_uppercase()),
                ),
            );
        }
    }
    match kind {
        TargetKind::Macro => expand_macro(ctx, state, rule, inv, depth, &basic, param, &action),
        TargetKind::Action => {
            check_columns(
                ctx,
                state,
                &rule,
                inv,
                &basic,
                0,
                log.as_deref(),
                tag.as_deref(),
            );
            ctx.model.rules.push(rule);
        }
        TargetKind::Builtin(target_flags) => {
            check_builtin(
                ctx,
                state,
                &rule,
                inv,
                &basic,
                param.as_deref(),
                target_flags,
                log.as_deref(),
            );
            check_columns(
                ctx,
                state,
                &rule,
                inv,
                &basic,
                target_flags,
                log.as_deref(),
                tag.as_deref(),
            );
            ctx.model.rules.push(rule);
        }
    }
}

fn reference_target(ctx: &mut Ctx<'_>, inv: &Invocation, name: &str, kind: Option<&TargetKind>) {
    if !inv.macros.is_empty() {
        return;
    }
    let target = match kind {
        Some(TargetKind::Macro) => RefTarget::Macro(name.to_owned()),
        Some(TargetKind::Action) => RefTarget::Action(name.to_owned()),
        _ => return,
    };
    ctx.model.references.push(Reference {
        site: inv.site(col::ACTION),
        target,
    });
}

fn emit(ctx: &mut Ctx<'_>, inv: &Invocation, diagnostic: Diagnostic) {
    let diagnostic = inv.decorate(ctx, diagnostic);
    ctx.diag(diagnostic);
}

#[allow(clippy::too_many_arguments)]
fn expand_macro(
    ctx: &mut Ctx<'_>,
    state: &RuleState,
    rule: Rule,
    inv: &Invocation,
    depth: usize,
    name: &str,
    param: Option<String>,
    action: &str,
) {
    if depth >= MAX_MACRO_NEST {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                inv.site(col::ACTION),
                "Macro/Inline invocations nested too deeply",
            ),
        );
        return;
    }
    let Some(file) = catalog::find_macro(ctx, name) else {
        return;
    };
    let mut param = param
        .filter(|it| !it.is_empty() && it != "PARAM")
        .or_else(|| inv.param.clone());
    let events = reader::read(ctx, file, ReadOptions::default());
    for event in events {
        let line = match event {
            Event::Record(line) => line,
            Event::Defaults { args, .. } => {
                if param.is_none() {
                    param = args
                        .first()
                        .cloned()
                        .filter(|it| !it.is_empty() && it != "-");
                }
                continue;
            }
            Event::Section { .. } => continue,
        };
        let mut inner_inv = inv.clone();
        inner_inv.macros.push((name.to_owned(), line.site));
        inner_inv.param = param.clone();
        let mtarget = line.value(col::ACTION).to_owned();
        if mtarget == "-" {
            emit(
                ctx,
                &inner_inv,
                Diagnostic::error(
                    "invalid-action",
                    inv.site(col::ACTION),
                    "TARGET must be specified",
                ),
            );
            continue;
        }
        if mtarget == "DEFAULT" || mtarget == "DEFAULTS" {
            if param.is_none() {
                param = Some(line.value(col::SOURCE).to_owned()).filter(|it| it != "-");
            }
            continue;
        }
        let mut mtarget = merge_levels(action, &mtarget);
        if mtarget == "PARAM" || mtarget.starts_with("PARAM:") {
            let Some(param) = &param else {
                emit(
                    ctx,
                    &inner_inv,
                    Diagnostic::error(
                        "macro-needs-parameter",
                        inv.site(col::ACTION),
                        format!("PARAM requires a parameter to be supplied in macro invocation: write {name}(ACCEPT), {name}(DROP), ..."),
                    ),
                );
                continue;
            };
            // `substitute_param`: the parameter replaces PARAM, keeping the line's log part.
            mtarget = match mtarget.split_once(':') {
                Some((_, log)) => format!("{param}:{}", log.trim_end_matches('/')),
                None => param.clone(),
            };
        }
        let mut columns = vec!["-".to_owned(); col::COUNT];
        columns[col::ACTION] = mtarget;
        let mut from_body = vec![false; col::COUNT];
        from_body[col::ACTION] = true;
        let source_body = line.value(col::SOURCE);
        columns[col::SOURCE] = if source_body == "-" {
            rule.column(col::SOURCE).to_owned()
        } else if let Some(rest) = source_body.strip_prefix("DEST") {
            merge_source_dest(rest.trim_start_matches(':'), rule.column(col::DEST))
        } else {
            merge_source_dest(
                source_body
                    .trim_start_matches("SOURCE")
                    .trim_start_matches(':'),
                rule.column(col::SOURCE),
            )
        };
        let dest_body = line.value(col::DEST);
        columns[col::DEST] = if dest_body == "-" {
            rule.column(col::DEST).to_owned()
        } else if let Some(rest) = dest_body.strip_prefix("SOURCE") {
            merge_source_dest(rest.trim_start_matches(':'), rule.column(col::SOURCE))
        } else {
            merge_source_dest(
                dest_body.trim_start_matches("DEST").trim_start_matches(':'),
                rule.column(col::DEST),
            )
        };
        for idx in col::PROTO..col::COUNT {
            let invocation = rule.column(idx);
            if invocation != "-" {
                columns[idx] = invocation.to_owned();
            } else {
                columns[idx] = line.value(idx).to_owned();
                from_body[idx] = line.has(idx);
            }
        }
        inner_inv.from_body = from_body;
        let comment = if ctx.model.settings.is_yes("AUTOCOMMENT") && rule.comment.is_none() {
            Some(name.to_owned())
        } else {
            rule.comment.clone()
        };
        let mut macro_sites = rule.macro_sites.clone();
        macro_sites.push(line.site);
        let raw_matches = match (&rule.raw_matches, &line.raw_matches) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let expanded = Rule {
            site: rule.site,
            macro_sites,
            section: rule.section,
            has_unknown: rule.has_unknown || columns.iter().any(|it| it.contains(UNKNOWN)),
            columns,
            comment,
            raw_matches,
        };
        process_rule(ctx, state, expanded, &inner_inv, depth + 1);
    }
}

/// `merge_macro_source_dest`.
fn merge_source_dest(body: &str, invocation: &str) -> String {
    if invocation.is_empty() {
        return body.to_owned();
    }
    if body.is_empty() {
        return invocation.to_owned();
    }
    if invocation == "-" {
        return body.to_owned();
    }
    let address_like = invocation.matches('.').count() >= 2
        || invocation.starts_with(['+', '!', '~'])
        || invocation.contains("~<")
        || invocation.contains("~[");
    if address_like {
        format!("{body}:{invocation}")
    } else {
        format!("{invocation}:{body}")
    }
}

#[allow(clippy::too_many_arguments)]
fn check_builtin(
    ctx: &mut Ctx<'_>,
    state: &RuleState,
    rule: &Rule,
    inv: &Invocation,
    basic: &str,
    param: Option<&str>,
    target_flags: u32,
    log: Option<&str>,
) {
    let site = inv.site(col::ACTION);
    let bare = basic.trim_end_matches(['+', '-', '!']);
    if let Some(param) = param {
        // IP6TABLES(...) takes a target; INLINE(...) an action (`process_rule` checks them
        // apart, through `handle_inline`).
        let takes_param = target_flags
            & (flags::OPTIONS | flags::SET | flags::IPTABLES | flags::INLINERULE | flags::TARPIT)
            != 0;
        if !takes_param && !param.is_empty() {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "invalid-action",
                    site,
                    format!("The {basic} TARGET does not accept a parameter"),
                ),
            );
        }
    }
    if bare == "LOG" && log.is_none() {
        emit(
            ctx,
            inv,
            Diagnostic::error("invalid-action", site, "LOG requires a log level"),
        );
    }
    if target_flags & flags::NFQ != 0 {
        if let Some(message) = check_nfqueue(param.unwrap_or("")) {
            emit(ctx, inv, Diagnostic::error("invalid-action", site, message));
        }
    }
    if bare == "REJECT" {
        if let Some(param) = param.filter(|it| !it.is_empty()) {
            const OPTIONS: &[&str] = &[
                "icmp6-no-route",
                "no-route",
                "icmp6-adm-prohibited",
                "adm-prohibited",
                "icmp6-addr-unreachable",
                "addr-unreach",
                "icmp6-port-unreachable",
                "tcp-reset",
                "icmp-net-unreachable",
                "icmp-host-unreachable",
                "icmp-port-unreachable",
                "icmp-proto-unreachable",
                "icmp-net-prohibited",
                "icmp-host-prohibited",
                "icmp-admin-prohibited",
            ];
            if !OPTIONS.contains(&param) {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error(
                        "invalid-action",
                        site,
                        format!("Invalid REJECT option ({param})"),
                    ),
                );
            } else if param == "tcp-reset"
                && !rule.column(col::PROTO).eq_ignore_ascii_case("tcp")
                && rule.column(col::PROTO) != "6"
            {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error(
                        "invalid-action",
                        site,
                        "tcp-reset may only be used with PROTO tcp",
                    ),
                );
            }
        }
    }
    if target_flags & flags::SET != 0 && param.is_none_or(str::is_empty) {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                site,
                format!("{basic} rules require a set name parameter"),
            ),
        );
    }
    if target_flags & flags::SET != 0 && !ctx.model.capabilities.has("IPSET_MATCH") {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                site,
                "SET and UNSET rules require Ipset Match in your kernel and iptables",
            ),
        );
    }
    if bare == "TARPIT" && !ctx.model.capabilities.has("TARPIT_TARGET") {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                site,
                "TARPIT requires TARPIT Target in your kernel and iptables",
            ),
        );
    }
    if state.file_kind == FileKind::BlRules && basic.ends_with(['+', '-', '!']) {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                site,
                "The +, - and ! modifiers are not allowed in the blrules file",
            ),
        );
    }
    if bare == "WHITELIST" && state.file_kind != FileKind::BlRules {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                site,
                "'WHITELIST' may only be used in the blrules file",
            ),
        );
    }
    let nat = target_flags & (flags::NATRULE | flags::NONAT) != 0;
    if nat && rule.section != Section::New && rule.section != Section::Blacklist {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "action-not-allowed-in-section",
                site,
                format!(
                    "{basic} rules are not allowed in the {} SECTION",
                    rule.section.name()
                ),
            ),
        );
    } else if target_flags & flags::NATRULE != 0 && rule.section != Section::New {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "action-not-allowed-in-section",
                site,
                "NAT rules are only allowed in the NEW section",
            ),
        );
    }
    if bare == "HELPER" && rule.column(col::HELPER) == "-" {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-action",
                site,
                "HELPER requires that a helper be specified in the HELPER column",
            ),
        );
    }
}

fn check_nfqueue(params: &str) -> Option<String> {
    if params.is_empty() {
        return None;
    }
    let mut parts = params.splitn(3, ',');
    let queue = parts.next().unwrap_or("");
    let bypass = parts.next();
    if parts.next().is_some() {
        return Some(format!("Invalid NFQUEUE parameter list ({params})"));
    }
    if queue == "bypass" {
        return bypass.map(|it| format!("Invalid NFQUEUE options (bypass,{it})"));
    }
    if !queue.is_empty() {
        let (first, second) = match queue.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (queue, None),
        };
        let first_value = crate::model::zones::parse_number(first).filter(|it| *it <= 65535);
        let Some(first_value) = first_value else {
            return Some(format!("Invalid NFQUEUE queue number ({first})"));
        };
        if let Some(second) = second {
            let second_value = crate::model::zones::parse_number(second.trim_end_matches('c'));
            if second_value.is_none_or(|it| it > 65535 || it <= first_value) {
                return Some(format!("Invalid NFQUEUE queue number ({second})"));
            }
        }
    }
    match bypass {
        Some(it) if it != "bypass" && !it.is_empty() => {
            Some(format!("Invalid NFQUEUE option ({it})"))
        }
        _ => None,
    }
}

/// The checks on SOURCE, DEST and the other columns, for any rule that is not a macro.
#[allow(clippy::too_many_arguments)]
fn check_columns(
    ctx: &mut Ctx<'_>,
    state: &RuleState,
    rule: &Rule,
    inv: &Invocation,
    basic: &str,
    target_flags: u32,
    log: Option<&str>,
    tag: Option<&str>,
) {
    let family = ctx.model.family;
    let bare = basic.trim_end_matches(['+', '-', '!']);
    let known = |idx: usize| !rule.column(idx).contains(UNKNOWN);
    // FASTACCEPT forbids ESTABLISHED and RELATED rules (with the default RELATED handling).
    if matches!(rule.section, Section::Established | Section::Related)
        && ctx.model.settings.is_yes("FASTACCEPT")
    {
        let related_ok = rule.section == Section::Related
            && (ctx.model.settings.get("RELATED_DISPOSITION") != "ACCEPT"
                || !ctx.model.settings.get("RELATED_LOG_LEVEL").is_empty());
        if !related_ok && bare != "dropInvalid" {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "fastaccept-established",
                    inv.site(col::ACTION),
                    format!(
                        "Entries in the {} SECTION of the rules file not permitted with FASTACCEPT=Yes",
                        rule.section.name()
                    ),
                ),
            );
        }
    }
    // Zones.
    let nat_only = target_flags & flags::NATONLY != 0;
    let source_zones = if known(col::SOURCE) {
        check_zone_column(ctx, inv, rule.column(col::SOURCE), col::SOURCE, false)
    } else {
        None
    };
    let dest_zones = if known(col::DEST) && !nat_only {
        check_zone_column(
            ctx,
            inv,
            rule.column(col::DEST),
            col::DEST,
            target_flags & flags::NATRULE != 0,
        )
    } else {
        None
    };
    // USER/GROUP only when the source is the firewall.
    if rule.column(col::USER) != "-" && known(col::USER) {
        let fw = ctx
            .model
            .firewall_zone
            .clone()
            .unwrap_or_else(|| "fw".to_owned());
        let from_fw = source_zones
            .as_ref()
            .is_some_and(|zones| zones.len() == 1 && zones[0] == fw);
        if source_zones.is_some() && !from_fw {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "user-requires-firewall-source",
                    inv.site(col::USER),
                    "USER/GROUP may only be specified when the SOURCE zone is $FW",
                ),
            );
        }
    }
    // Host parts.
    let mut ipsets = [false, false];
    for (which, idx) in [(0, col::SOURCE), (1, col::DEST)] {
        if !known(idx) {
            continue;
        }
        let value = rule.column(idx);
        if let Some((_, rest)) = value.split_once(':') {
            if which == 1 && target_flags & flags::NATRULE != 0 {
                check_server(ctx, inv, rest, family);
                continue;
            }
            ipsets[which] = check_host_part(ctx, inv, rest, idx, family);
        }
    }
    if ipsets[0] && ipsets[1] {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "ipset-in-source-and-dest",
                inv.site(col::DEST),
                "Only one of the SOURCE and DEST columns may specify an ipset",
            ),
        );
    }
    // PROTO and ports.
    if known(col::PROTO) && known(col::DPORT) && known(col::SPORT) {
        for proto in rule.column(col::PROTO).split(',') {
            check_proto(
                ctx,
                inv,
                proto,
                rule.column(col::DPORT),
                rule.column(col::SPORT),
            );
        }
    }
    // ORIGDEST.
    let origdest = rule.column(col::ORIGDEST);
    if origdest != "-" && origdest != "all" && known(col::ORIGDEST) {
        for item in origdest.trim_start_matches('!').split(',') {
            if item.starts_with('+') || item.starts_with('&') {
                continue;
            }
            if let Err(message) =
                address::validate_host(item.trim_matches(['[', ']']), family, true)
            {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error("invalid-address", inv.site(col::ORIGDEST), message),
                );
            }
        }
    }
    // RATE.
    let rate = rule.column(col::RATE);
    if rate != "-" && known(col::RATE) {
        if matches!(bare, "DROP" | "REJECT") {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "rate-with-drop",
                    inv.site(col::RATE),
                    format!("Rate Limiting not available with {bare}"),
                ),
            );
        } else {
            for message in check_rate(rate, family) {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error("invalid-rate", inv.site(col::RATE), message),
                );
            }
        }
    }
    // USER.
    let user = rule.column(col::USER);
    if user != "-" && known(col::USER) {
        let body = user.trim_start_matches('!');
        let (name, group) = body.split_once(':').unwrap_or((body, ""));
        if name.is_empty() && group.is_empty() {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "invalid-column",
                    inv.site(col::USER),
                    format!("Invalid USER/GROUP ({user})"),
                ),
            );
        }
    }
    // MARK.
    let mark = rule.column(col::MARK);
    if mark != "-" && known(col::MARK) {
        if let Some(message) = check_mark(mark) {
            emit(
                ctx,
                inv,
                Diagnostic::error("invalid-column", inv.site(col::MARK), message),
            );
        }
    }
    // CONNLIMIT.
    let connlimit = rule.column(col::CONNLIMIT);
    if connlimit != "-" && known(col::CONNLIMIT) {
        let body = connlimit.trim_start_matches("d:").trim_start_matches('!');
        let valid = match body.split_once(':') {
            Some((limit, mask)) => is_digits(limit) && is_digits(mask),
            None => is_digits(body),
        };
        if !valid {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "invalid-column",
                    inv.site(col::CONNLIMIT),
                    format!("Invalid connlimit ({body})"),
                ),
            );
        }
    }
    // TIME.
    let time = rule.column(col::TIME);
    if time != "-" && known(col::TIME) {
        for message in check_time(time) {
            emit(
                ctx,
                inv,
                Diagnostic::error("invalid-column", inv.site(col::TIME), message),
            );
        }
    }
    // HEADERS (IPv6 only).
    let headers = rule.column(col::HEADERS);
    if headers != "-" && known(col::HEADERS) {
        if family == Family::Ipv4 {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "invalid-column",
                    inv.site(col::HEADERS),
                    "HEADERS not allowed in IPv4 rules",
                ),
            );
        } else if let Some(message) = check_headers(headers) {
            emit(
                ctx,
                inv,
                Diagnostic::error("invalid-column", inv.site(col::HEADERS), message),
            );
        }
    }
    // Log prefix length.
    if let (Some(level), Some(source), Some(dest)) = (log, &source_zones, &dest_zones) {
        if level != "none" && level != "none!" && source.len() == 1 && dest.len() == 1 {
            let chain = zone_pair_chain(ctx, &source[0], &dest[0]);
            let disposition = bare.to_owned();
            let format = ctx.model.settings.get("LOGFORMAT").to_owned();
            if let Some(mut prefix) = format_log_prefix(&format, &chain, &disposition) {
                if let Some(tag) = tag.filter(|it| !it.is_empty()) {
                    if !ctx.model.settings.is_yes("LOGTAGONLY") {
                        prefix.push_str(tag);
                        prefix.push(' ');
                    }
                }
                if prefix.len() > 29 {
                    let shortened: String = prefix.chars().take(28).collect();
                    emit(
                        ctx,
                        inv,
                        Diagnostic::warning(
                            "log-prefix-truncated",
                            inv.site(col::ACTION),
                            format!("Log Prefix shortened to \"{shortened} \""),
                        ),
                    );
                }
            }
        }
    }
    let _ = state;
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The chain a pair of zones' rules go to (ZONE2ZONE).
pub(crate) fn zone_pair_chain(ctx: &Ctx<'_>, source: &str, dest: &str) -> String {
    let separator = ctx.model.settings.get("ZONE2ZONE");
    let separator = if separator == "2" { "2" } else { "-" };
    format!("{source}{separator}{dest}")
}

/// Checks the zone part of SOURCE or DEST; returns the zones named, when they are known.
fn check_zone_column(
    ctx: &mut Ctx<'_>,
    inv: &Invocation,
    value: &str,
    idx: usize,
    nat: bool,
) -> Option<Vec<String>> {
    let in_macro = !inv.macros.is_empty();
    let zone_part = value.split(':').next().unwrap_or("").to_owned();
    let what = if idx == col::SOURCE {
        "source"
    } else {
        "destination"
    };
    let site = inv.site(idx);
    if zone_part.is_empty() || zone_part == "-" {
        if !(idx == col::DEST && nat) {
            emit(
                ctx,
                inv,
                Diagnostic::error("missing-zone", site, format!("Missing {what} zone")),
            );
        }
        return None;
    }
    // An IPv4 address in DEST (DNAT without a zone).
    if idx == col::DEST && !value.contains(':') && value.matches('.').count() >= 2 {
        return None;
    }
    if !ctx.model.zones_checked {
        return None;
    }
    let lower = zone_part.to_ascii_lowercase();
    let wildcard = lower.starts_with("all") || lower.starts_with("any");
    let fw = ctx
        .model
        .firewall_zone
        .clone()
        .unwrap_or_else(|| "fw".to_owned());
    if wildcard {
        let base = &zone_part[3..];
        let (modifiers, exclusion) = match base.split_once('!') {
            Some((modifiers, exclusion)) => (modifiers, Some(exclusion)),
            None => (base, None),
        };
        if !["", "+", "-", "+-", "-+"].contains(&modifiers) {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "unknown-zone",
                    site,
                    format!(
                        "Invalid {} ({zone_part})",
                        if idx == col::SOURCE { "SOURCE" } else { "DEST" }
                    ),
                ),
            );
            return None;
        }
        if let Some(exclusion) = exclusion {
            for zone in exclusion.split(',') {
                if ctx.model.zone(zone).is_none() {
                    emit(
                        ctx,
                        inv,
                        Diagnostic::error("unknown-zone", site, format!("Unknown zone ({zone})")),
                    );
                } else if !in_macro {
                    ctx.model.references.push(Reference {
                        site,
                        target: RefTarget::Zone(zone.to_owned()),
                    });
                }
            }
        }
        return Some(ctx.model.zones.iter().map(|it| it.name.clone()).collect());
    }
    let zones: Vec<String> = zone_part
        .trim_end_matches('+')
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut res = Vec::new();
    for zone in zones {
        if ctx.model.zone(&zone).is_none() {
            let message = if zone_part.contains(',') {
                format!("Unknown zone ({zone})")
            } else {
                format!("Unknown {what} zone ({zone})")
            };
            let mut diagnostic = Diagnostic::error("unknown-zone", site, message);
            if let Some(suggestion) =
                closest(&zone, ctx.model.zones.iter().map(|it| it.name.as_str()))
            {
                diagnostic
                    .message
                    .push_str(&format!("; did you mean '{suggestion}'?"));
            }
            emit(ctx, inv, diagnostic);
            return None;
        }
        if !in_macro {
            ctx.model.references.push(Reference {
                site,
                target: RefTarget::Zone(zone.clone()),
            });
        }
        res.push(zone);
    }
    let _ = fw;
    Some(res)
}

/// The known name closest to `name` (edit distance at most 2), for "did you mean".
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|it| (edit_distance(name, it), it))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, it)| it)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// What follows the zone in SOURCE or DEST (`isolate_source_interface`); returns whether it
/// names an ipset.
fn check_host_part(
    ctx: &mut Ctx<'_>,
    inv: &Invocation,
    rest: &str,
    idx: usize,
    family: Family,
) -> bool {
    let site = inv.site(idx);
    if rest.is_empty() {
        let what = if idx == col::SOURCE { "SOURCE" } else { "DEST" };
        emit(
            ctx,
            inv,
            Diagnostic::error("missing-zone", site, format!("Missing {what} Qualifier")),
        );
        return false;
    }
    let (interface, nets) = split_interface(rest, family);
    if let Some(interface) = interface {
        let name = interface.trim_start_matches('!');
        let known = ctx.model.interfaces.iter().any(|it| {
            it.name == name
                || (it.name.ends_with('+') && name.starts_with(it.name.trim_end_matches('+')))
        });
        if !known && !ctx.model.interfaces.is_empty() {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "unknown-interface",
                    site,
                    format!("Unknown Interface ({name})"),
                ),
            );
        } else if known && inv.macros.is_empty() {
            ctx.model.references.push(Reference {
                site,
                target: RefTarget::Interface(name.to_owned()),
            });
        }
    }
    let Some(nets) = nets else { return false };
    check_address_list(ctx, inv, &nets, idx, family)
}

/// `(interface, addresses)` of the text after a rule's zone, per Shorewall's rules.
pub fn split_interface(rest: &str, family: Family) -> (Option<String>, Option<String>) {
    match family {
        Family::Ipv4 => {
            if let Some((interface, nets)) = rest.split_once(':') {
                if !interface.is_empty() && !nets.is_empty() {
                    return (Some(interface.to_owned()), Some(nets.to_owned()));
                }
            }
            let body = rest.trim_start_matches('!');
            let starts_octet = body.split('.').next().is_some_and(is_digits) && body.contains('.');
            let two_dots = body.get(1..).is_some_and(|it| it.matches('.').count() >= 2);
            if body.starts_with(['+', '&', '~', '%', '^']) || starts_octet || two_dots {
                (None, Some(rest.to_owned()))
            } else {
                (Some(rest.to_owned()), None)
            }
        }
        Family::Ipv6 => {
            let text = rest.replace('<', "[").replace('>', "]");
            let colons: Vec<usize> = text
                .match_indices(':')
                .map(|(idx, _)| idx)
                .filter(|idx| *idx > 0)
                .collect();
            let tail = |idx: usize| &text[idx + 1..];
            let patterns: [&dyn Fn(&str) -> bool; 5] = [
                &|t: &str| {
                    t.starts_with('[')
                        && t.ends_with(']')
                        && t.len() > 4
                        && t[1..t.len() - 1].contains(",[")
                },
                &|t: &str| {
                    t.starts_with('[') && t.trim_end().ends_with(']') && t.trim_end().len() >= 3
                },
                &|t: &str| {
                    t.trim_start_matches('!').starts_with('+')
                        && t.trim_start_matches('!').len() >= 2
                },
                &|t: &str| {
                    let t = t.strip_prefix('!').unwrap_or(t);
                    t.starts_with(['&', '%', '~']) && t.len() >= 2
                },
                &|t: &str| {
                    t.starts_with('[')
                        && t.rsplit_once("]/")
                            .is_some_and(|(_, vlsm)| is_digits(vlsm.trim_end()))
                },
            ];
            for pattern in patterns {
                for &idx in &colons {
                    if pattern(tail(idx)) {
                        let nets = tail(idx).to_owned();
                        return (Some(text[..idx].to_owned()), Some(nets));
                    }
                }
            }
            let body = text.trim_start_matches('!');
            if text.contains(':')
                || text.contains(['+', '&', '%', '~'])
                || text.matches('.').count() >= 2
                || body.starts_with('^')
            {
                (None, Some(text))
            } else {
                (Some(text), None)
            }
        }
    }
}

/// Validates an address list; returns whether it names an ipset.
fn check_address_list(
    ctx: &mut Ctx<'_>,
    inv: &Invocation,
    list: &str,
    idx: usize,
    family: Family,
) -> bool {
    let site = inv.site(idx);
    let mut list = list.to_owned();
    if family == Family::Ipv6 {
        // `[a,b]` around the whole list, or `[a],[b]` per item.
        if list.starts_with('[')
            && list.ends_with(']')
            && !list.contains("],[")
            && !list.contains("]/")
            && !list.contains("]-[")
        {
            list = list[1..list.len() - 1].to_owned();
        }
    }
    let mut has_ipset = false;
    for (item_idx, item) in list.split([',', '!']).enumerate() {
        let _ = item_idx;
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        if item.starts_with('+') {
            has_ipset = true;
            if !ctx.model.capabilities.has("IPSET_MATCH") {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error(
                        "invalid-address",
                        site,
                        "ipset names in Shorewall configuration files require Ipset Match in your kernel and iptables",
                    ),
                );
            }
            continue;
        }
        if let Some(mac) = item.strip_prefix('~') {
            if idx == col::DEST {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error(
                        "mac-in-dest",
                        site,
                        format!("A MAC address({item}) cannot be used in this context"),
                    ),
                );
            } else {
                let mac = mac.replace('-', ":");
                let valid = mac.split(':').count() == 6
                    && mac
                        .split(':')
                        .all(|it| it.len() == 2 && it.bytes().all(|b| b.is_ascii_hexdigit()));
                if !valid {
                    emit(
                        ctx,
                        inv,
                        Diagnostic::error(
                            "invalid-address",
                            site,
                            format!("Invalid MAC address ({mac})"),
                        ),
                    );
                }
            }
            continue;
        }
        if item.starts_with(['&', '%', '^']) {
            continue;
        }
        let item = if family == Family::Ipv6 {
            strip_item_brackets(item)
        } else {
            item.to_owned()
        };
        if let Err(message) = address::validate_host(&item, family, true) {
            let code = if family == Family::Ipv6
                && (address::valid_ipv4(item.split('/').next().unwrap_or("")))
            {
                "wrong-address-family"
            } else if message.starts_with("Invalid VLSM") {
                "invalid-prefix-length"
            } else {
                "invalid-address"
            };
            emit(ctx, inv, Diagnostic::error(code, site, message));
        }
    }
    has_ipset
}

/// `[addr]` → `addr`, `[addr]/64` → `addr/64`, `[a]-[b]` → `a-b`.
fn strip_item_brackets(item: &str) -> String {
    item.replace("]-[", "-")
        .replace("]/", "/")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

/// The DEST of a DNAT/REDIRECT: `server[:port]`.
fn check_server(ctx: &mut Ctx<'_>, inv: &Invocation, rest: &str, family: Family) {
    let (server, port) = match family {
        Family::Ipv4 => match rest.split_once(':') {
            Some((server, port)) => (server.to_owned(), Some(port.to_owned())),
            None => (rest.to_owned(), None),
        },
        Family::Ipv6 => {
            let text = rest.replace('<', "[").replace('>', "]");
            match text.strip_prefix('[').and_then(|it| it.split_once(']')) {
                Some((server, tail)) => {
                    (server.to_owned(), tail.strip_prefix(':').map(str::to_owned))
                }
                None => (text, None),
            }
        }
    };
    for host in server.split(',') {
        if host.is_empty() {
            continue;
        }
        if let Err(message) = address::validate_host(host, family, true) {
            emit(
                ctx,
                inv,
                Diagnostic::error("invalid-address", inv.site(col::DEST), message),
            );
        }
    }
    if let Some(port) = port {
        for part in port.split([':', '-']) {
            if !part.is_empty()
                && crate::model::zones::parse_number(part).is_none_or(|it| it == 0 || it > 65535)
            {
                emit(
                    ctx,
                    inv,
                    Diagnostic::error(
                        "invalid-port",
                        inv.site(col::DEST),
                        format!("Invalid port ({part})"),
                    ),
                );
            }
        }
    }
}

const TCP: u8 = 6;
const UDP: u8 = 17;
const SCTP: u8 = 132;
const DCCP: u8 = 33;
const UDPLITE: u8 = 136;
const ICMP: u8 = 1;
const IPV6_ICMP: u8 = 58;

/// The protocol number of a PROTO entry, as `resolve_proto`.
pub(crate) fn resolve_proto(ctx: &Ctx<'_>, proto: &str) -> Option<u8> {
    let proto = proto.split(':').next().unwrap_or("");
    if is_digits(proto) || proto.starts_with("0x") {
        return crate::model::zones::parse_number(proto)
            .filter(|it| *it <= 255)
            .map(|it| it as u8);
    }
    let proto = if proto == "icmp" && ctx.model.family == Family::Ipv6 {
        "ipv6-icmp"
    } else {
        proto
    };
    match proto {
        "all" | "ALL" => Some(0),
        "icmp" | "ICMP" => Some(1),
        "tcp" | "TCP" => Some(6),
        "udp" | "UDP" => Some(17),
        _ => ctx.model.names.protocol_number(proto),
    }
}

/// `do_proto`: the PROTO column with DPORT and SPORT.
fn check_proto(ctx: &mut Ctx<'_>, inv: &Invocation, proto: &str, dports: &str, sports: &str) {
    let has_ports = dports != "-" || sports != "-";
    if proto == "-" {
        if has_ports {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "port-without-protocol",
                    inv.site(col::DPORT),
                    "SOURCE/DEST PORT(S) not allowed without PROTO",
                ),
            );
        }
        return;
    }
    let site = inv.site(col::PROTO);
    let lower = proto.to_ascii_lowercase();
    let synonly = lower.ends_with(":syn") || lower.ends_with(":!syn");
    let all = lower.ends_with(":all");
    let mut base = proto.to_owned();
    if synonly || all {
        base = proto[..proto.rfind(':').unwrap_or(proto.len())].to_owned();
    }
    let invert = base.starts_with('!');
    let base = base.trim_start_matches('!').to_owned();
    let Some(number) = resolve_proto(ctx, &base) else {
        if synonly {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "unknown-protocol",
                    site,
                    "\":syn\" is only allowed with tcp",
                ),
            );
        } else if !base.to_ascii_lowercase().starts_with("ipp2p") {
            let mut diagnostic = Diagnostic::error(
                "unknown-protocol",
                site,
                format!("Invalid/Unknown protocol ({proto})"),
            );
            if let Some(suggestion) = closest(
                &base,
                [
                    "tcp",
                    "udp",
                    "ipv6-icmp",
                    "icmp",
                    "sctp",
                    "dccp",
                    "esp",
                    "ah",
                    "gre",
                ]
                .into_iter(),
            ) {
                diagnostic
                    .message
                    .push_str(&format!("; did you mean '{suggestion}'?"));
            }
            emit(ctx, inv, diagnostic);
        } else if !ctx.model.capabilities.has("IPP2P_MATCH") {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "unknown-protocol",
                    site,
                    format!("PROTO = {proto} requires IPP2P Match in your kernel and iptables"),
                ),
            );
        }
        return;
    };
    if synonly && (number != TCP || invert) {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "unknown-protocol",
                site,
                "\":syn\" is only allowed with tcp",
            ),
        );
    }
    if all && number != TCP {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "unknown-protocol",
                site,
                "\":all\" is only allowed with tcp",
            ),
        );
    }
    let name = ctx
        .model
        .names
        .protocol_name(number)
        .unwrap_or("")
        .to_owned();
    if invert && has_ports {
        emit(
            ctx,
            inv,
            Diagnostic::error(
                "invalid-port",
                inv.site(col::DPORT),
                format!("SOURCE/DEST PORT(S) not allowed with PROTO !{name}"),
            ),
        );
        return;
    }
    match number {
        TCP | UDP | SCTP | DCCP | UDPLITE => {
            for (value, idx) in [(dports, col::DPORT), (sports, col::SPORT)] {
                if value == "-" || value == "=" || value.starts_with('+') {
                    continue;
                }
                let list = value.trim_start_matches('!');
                for pair in list.split(',') {
                    if let Some(message) = check_port_pair(ctx, number, &name, pair) {
                        let code = if message.starts_with("Invalid port range") {
                            "invalid-port-range"
                        } else {
                            "invalid-port"
                        };
                        emit(ctx, inv, Diagnostic::error(code, inv.site(idx), message));
                    }
                }
            }
        }
        ICMP if ctx.model.family == Family::Ipv6 => {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "wrong-address-family",
                    site,
                    "ICMP not permitted in an IPv6 configuration",
                ),
            );
        }
        IPV6_ICMP if ctx.model.family == Family::Ipv4 => {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "wrong-address-family",
                    site,
                    "IPv6_ICMP not permitted in an IPv4 configuration",
                ),
            );
        }
        ICMP | IPV6_ICMP => {
            if dports != "-" {
                for icmp_type in dports.trim_start_matches('!').split(',') {
                    if !valid_icmp_type(icmp_type, number == IPV6_ICMP) {
                        let message = if number == IPV6_ICMP {
                            format!("Invalid IPv6 ICMP Type ({icmp_type})")
                        } else {
                            format!("Invalid ICMP Type ({icmp_type})")
                        };
                        emit(
                            ctx,
                            inv,
                            Diagnostic::error("invalid-port", inv.site(col::DPORT), message),
                        );
                    }
                }
            }
            if sports != "-" {
                let message = if number == IPV6_ICMP {
                    "SOURCE PORT(S) not permitted with IPv6-ICMP"
                } else {
                    "SOURCE PORT(S) not permitted with ICMP"
                };
                emit(
                    ctx,
                    inv,
                    Diagnostic::error("invalid-port", inv.site(col::SPORT), message),
                );
            }
        }
        _ if has_ports => {
            emit(
                ctx,
                inv,
                Diagnostic::error(
                    "port-without-protocol",
                    inv.site(col::DPORT),
                    format!("SOURCE/DEST PORT(S) not allowed with PROTO {name}"),
                ),
            );
        }
        _ => {}
    }
}

/// `validate_portpair`: a port or `a:b` / `a-b` range.
fn check_port_pair(ctx: &Ctx<'_>, number: u8, name: &str, pair: &str) -> Option<String> {
    let mut text = pair.to_owned();
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        text = text.replace('-', ":");
    }
    if text.matches(':').count() > 1 {
        return Some(format!("Invalid port range ({pair})"));
    }
    if text.starts_with(':') {
        text = format!("0{text}");
    }
    if text.ends_with(':') {
        text.push_str("65535");
    }
    let ports: Vec<&str> = text.splitn(2, ':').collect();
    let mut values = Vec::new();
    for port in &ports {
        if port.is_empty() || *port == "0" {
            values.push(0);
            continue;
        }
        match check_port(ctx, number, name, port) {
            Ok(value) => values.push(value),
            Err(message) => return Some(message),
        }
    }
    if values.len() == 2 && values[0] >= values[1] {
        return Some(format!("Invalid port range ({pair})"));
    }
    None
}

/// `validate_port`: a number 1-65535 or a service name of the protocol.
fn check_port(ctx: &Ctx<'_>, number: u8, name: &str, port: &str) -> Result<u32, String> {
    if is_digits(port) || port.starts_with("0x") {
        return match crate::model::zones::parse_number(port) {
            Some(value) if value > 0 && value <= 65535 => Ok(value as u32),
            _ => Err(format!("Invalid/Unknown {number} port/service ({port})")),
        };
    }
    if port.starts_with('%') {
        return Ok(1);
    }
    match ctx.model.names.service_port(port, name) {
        Some(value) => Ok(u32::from(value)),
        None => {
            let left_right = port.split_once('-');
            if left_right.is_some_and(|(a, b)| is_digits(a) && is_digits(b)) {
                return Err(format!(
                    "The separator for a port range is ':', not '-' ({port})"
                ));
            }
            Err(format!("Invalid/Unknown {name} port/service ({port})"))
        }
    }
}

fn valid_icmp_type(text: &str, v6: bool) -> bool {
    const V6: &[&str] = &[
        "any",
        "destination-unreachable",
        "no-route",
        "communication-prohibited",
        "address-unreachable",
        "port-unreachable",
        "packet-too-big",
        "time-exceeded",
        "ttl-exceeded",
        "ttl-zero-during-transit",
        "ttl-zero-during-reassembly",
        "parameter-problem",
        "bad-header",
        "unknown-header-type",
        "unknown-option",
        "echo-request",
        "echo-reply",
        "router-solicitation",
        "router-advertisement",
        "neighbour-solicitation",
        "neighbour-advertisement",
        "redirect",
    ];
    const V4: &[&str] = &[
        "any",
        "echo-reply",
        "destination-unreachable",
        "network-unreachable",
        "host-unreachable",
        "protocol-unreachable",
        "port-unreachable",
        "fragmentation-needed",
        "source-route-failed",
        "network-unknown",
        "host-unknown",
        "network-prohibited",
        "host-prohibited",
        "TOS-network-unreachable",
        "TOS-host-unreachable",
        "communication-prohibited",
        "host-precedence-violation",
        "precedence-cutoff",
        "source-quench",
        "redirect",
        "network-redirect",
        "host-redirect",
        "TOS-network-redirect",
        "TOS-host-redirect",
        "echo-request",
        "router-advertisement",
        "router-solicitation",
        "time-exceeded",
        "ttl-zero-during-transit",
        "ttl-zero-during-reassembly",
        "parameter-problem",
        "ip-header-bad",
        "required-option-missing",
        "timestamp-request",
        "timestamp-reply",
        "address-mask-request",
        "address-mask-reply",
    ];
    if (if v6 { V6 } else { V4 }).contains(&text) {
        return true;
    }
    let (kind, code) = match text.split_once('/') {
        Some((kind, code)) => (kind, Some(code)),
        None => (text, None),
    };
    is_digits(kind)
        && kind.parse::<u32>().is_ok_and(|it| it < 256)
        && code.is_none_or(|it| is_digits(it) && it.parse::<u32>().is_ok_and(|it| it < 256))
}

/// `do_ratelimit`.
fn check_rate(rates: &str, family: Family) -> Vec<String> {
    let mut res = Vec::new();
    let list = catalog::split_outside_parens(rates);
    if list.len() > 2 {
        res.push("Only two rates may be specified".to_owned());
        return res;
    }
    for rate in list {
        if !valid_rate(rate, family) {
            res.push(format!("Invalid rate ({rate})"));
        }
    }
    res
}

/// `^(?:([sd])(?:/(\d+))?:)?(?:(([A-Za-z]\w*)?(?:\((\d+),(\d+)\))?:)|:)?((\d+)(/(sec|min|hour|day))?)(?::(\d+))?$`
fn valid_rate(rate: &str, family: Family) -> bool {
    let mut rest = rate;
    // [sd][/vlsm]:
    if let Some(after) = rest.strip_prefix('s').or_else(|| rest.strip_prefix('d')) {
        let (vlsm, tail) = match after.strip_prefix('/') {
            Some(it) => {
                let len = it.bytes().take_while(u8::is_ascii_digit).count();
                (Some(&it[..len]), &it[len..])
            }
            None => (None, after),
        };
        if let Some(tail) = tail.strip_prefix(':') {
            if let Some(vlsm) = vlsm {
                let max = if family == Family::Ipv4 { 32 } else { 128 };
                if vlsm.is_empty() || vlsm.parse::<u32>().is_ok_and(|it| it == 0 || it > max) {
                    return false;
                }
            }
            rest = tail;
        }
    }
    // [name][(buckets,max)]: or a lone ':'
    let name_len = rest
        .char_indices()
        .take_while(|(idx, c)| {
            if *idx == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric() || *c == '_'
            }
        })
        .count();
    let mut after_name = &rest[name_len..];
    if after_name.starts_with('(') {
        if let Some(close) = after_name.find(')') {
            let inner = &after_name[1..close];
            let valid = inner
                .split_once(',')
                .is_some_and(|(a, b)| is_digits(a) && is_digits(b));
            if valid {
                after_name = &after_name[close + 1..];
            }
        }
    }
    if let Some(tail) = after_name.strip_prefix(':') {
        rest = tail;
    } else if let Some(tail) = rest.strip_prefix(':') {
        rest = tail;
    }
    // rate[/unit][:burst]
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let value: u64 = rest[..digits].parse().unwrap_or(0);
    if value == 0 {
        return false;
    }
    let mut tail = &rest[digits..];
    if let Some(unit) = tail.strip_prefix('/') {
        let len = unit.bytes().take_while(u8::is_ascii_alphabetic).count();
        if !["sec", "min", "hour", "day"].contains(&&unit[..len]) {
            return false;
        }
        tail = &unit[len..];
    }
    match tail.strip_prefix(':') {
        Some(burst) => is_digits(burst) && burst.parse::<u64>().is_ok_and(|it| it > 0),
        None => tail.is_empty(),
    }
}

/// `do_test` / `validate_mark` in the simple form: `[!]value[/mask][:C]`.
fn check_mark(mark: &str) -> Option<String> {
    let body = mark.trim_start_matches('!');
    let body = body.strip_suffix(":C").unwrap_or(body);
    if body == "/" || body.is_empty() {
        return Some(format!("Invalid MARK value ({mark})"));
    }
    let parts: Vec<&str> = body.split('/').collect();
    if parts.len() > 2 {
        return Some(format!("Invalid MARK ({body})"));
    }
    for part in parts {
        if crate::model::zones::parse_number(part).is_none_or(|it| it > 0xffff_ffff) {
            return Some(format!("Invalid Mark or Mask value ({part})"));
        }
    }
    None
}

/// `do_time`.
fn check_time(time: &str) -> Vec<String> {
    let mut res = Vec::new();
    for element in time.split('&') {
        if element.is_empty() {
            res.push(format!("Invalid time element list ({time})"));
            continue;
        }
        let (key, value) = element.split_once('=').unwrap_or((element, ""));
        let valid = match key {
            "timestart" | "timestop" => {
                let parts: Vec<&str> = value.split(':').collect();
                (2..=3).contains(&parts.len())
                    && parts
                        .iter()
                        .all(|it| (1..=2).contains(&it.len()) && is_digits(it))
            }
            "weekdays" => value.split(',').all(|day| {
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&day)
                    || (day.len() == 1 && is_digits(day) && day != "0" && day <= "7")
            }),
            "monthdays" => value.split(',').all(|day| {
                (1..=2).contains(&day.len())
                    && is_digits(day)
                    && day.parse::<u32>().is_ok_and(|it| (1..=31).contains(&it))
            }),
            "datestart" | "datestop" => {
                let date = value.split('T').next().unwrap_or("");
                date.split('-').count() <= 3
                    && date
                        .split('-')
                        .next()
                        .is_some_and(|y| y.len() == 4 && is_digits(y))
            }
            "utc" | "localtz" | "kerneltz" | "contiguous" => {
                value.is_empty() && !element.contains('=')
            }
            _ => false,
        };
        if !valid {
            res.push(format!("Invalid time element ({element})"));
        }
    }
    res
}

/// `do_headers`: `[!][any:|exactly:]header,...`.
fn check_headers(headers: &str) -> Option<String> {
    const HEADERS: &[&str] = &[
        "hop",
        "hop-by-hop",
        "dst",
        "route",
        "frag",
        "auth",
        "esp",
        "none",
        "proto",
        "protocol",
        "ipv6-nonxt",
        "ipv6-opts",
        "ipv6-route",
        "ipv6-frag",
        "ah",
        "0",
        "60",
        "43",
        "44",
        "50",
        "51",
        "59",
        "255",
    ];
    let body = headers.trim_start_matches('!');
    let body = body
        .strip_prefix("any:")
        .or_else(|| body.strip_prefix("exactly:"))
        .unwrap_or(body);
    for header in body.split(',') {
        if !HEADERS.contains(&header) {
            return Some(format!("Unknown IPv6 Header ({header})"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_levels() {
        assert_eq!(
            split_action("SSH(ACCEPT):info:tag"),
            vec!["SSH(ACCEPT)", "info", "tag"]
        );
        assert_eq!(split_action("LOG:NFLOG(1,2)"), vec!["LOG", "NFLOG(1,2)"]);
        assert_eq!(
            target_param("SSH(ACCEPT)"),
            ("SSH".into(), Some("ACCEPT".into()))
        );
        assert_eq!(
            target_param("SSH/ACCEPT"),
            ("SSH".into(), Some("ACCEPT".into()))
        );
        assert_eq!(merge_levels("SSH(ACCEPT):info", "PARAM"), "PARAM:info");
        assert_eq!(merge_levels("SSH(ACCEPT)", "PARAM:debug"), "PARAM:debug");
        assert_eq!(merge_source_dest("DEST", "net"), "net:DEST");
    }

    #[test]
    fn rates() {
        assert!(valid_rate("3/min:5", Family::Ipv6));
        assert!(valid_rate("s:name:3/min:5", Family::Ipv6));
        assert!(valid_rate("s:3/sec", Family::Ipv6));
        assert!(valid_rate("10", Family::Ipv6));
        assert!(!valid_rate("3/fortnight", Family::Ipv6));
        assert!(!valid_rate("0/sec", Family::Ipv6));
    }

    #[test]
    fn interface_split() {
        let split = |it: &str| split_interface(it, Family::Ipv6);
        assert_eq!(split("2001:db8::1"), (None, Some("2001:db8::1".into())));
        assert_eq!(
            split("eth0:[2001:db8::1]"),
            (Some("eth0".into()), Some("[2001:db8::1]".into()))
        );
        assert_eq!(split("eth0"), (Some("eth0".into()), None));
        assert_eq!(
            split("eth0:<a::1,b::2>"),
            (Some("eth0".into()), Some("[a::1,b::2]".into()))
        );
        assert_eq!(
            split("eth0:2001:db8::"),
            (None, Some("eth0:2001:db8::".into()))
        );
    }
}
