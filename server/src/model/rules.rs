//! The rules and blrules files, checked the way Shorewall 5.2.8 processes them (`Rules.pm`
//! `process_rules` → `process_raw_rule` → `process_rule`, `process_macro`, `process_inline`,
//! `process_action`; `Chains.pm` `expand_rule` and the `do_*` matches): zone lists expanded into
//! zone pairs, macros and actions expanded with their parameters, every column checked. The
//! records read are kept in the model ([`RulesFiles`]) so that the compiler does not read the
//! files again.

mod bodies;
pub(crate) mod hosts;
pub(crate) mod matches;

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
};

use shorewall_syntax::{FileKind, TextRange, TextSize};

use crate::model::{
    catalog::{self, flags},
    diagnostic::{Diagnostic, Site},
    expand::UNKNOWN,
    files::FileId,
    files::Origin,
    log_level,
    reader::{self, Event, Line, ReadOptions},
    settings::format_log_prefix,
    zones::ZoneType,
    BodyLine, Ctx, RefTarget, Reference, RulesItem,
};

use self::{
    hosts::{restrict, Hosts},
    matches::{Check, Env, MarkLayout, Problem},
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

/// `TARGET(param)` or the 4.4 `MACRO/TARGET` → (target, param) (`get_target_param`).
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

/// `(interface, addresses)` of the text after a rule's zone, per Shorewall's rules.
pub fn split_interface(
    rest: &str,
    family: shorewall_syntax::Family,
) -> (Option<String>, Option<String>) {
    hosts::isolate_interface(family, rest, false)
}

/// Where the values of a rule being checked come from, to place its diagnostics.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    /// The record of the configuration directory a problem is reported on when nothing more
    /// precise is known.
    line: Site,
    /// Per column, where its value comes from.
    cols: Vec<Site>,
    /// The macro and action bodies this rule comes from, outermost first: (what, body line).
    trail: Vec<(String, Site)>,
}

impl Place {
    fn of_line(line: &Line) -> Place {
        Place {
            line: line.site,
            cols: (0..col::COUNT).map(|idx| line.site_of(idx)).collect(),
            trail: Vec::new(),
        }
    }

    fn col(&self, idx: usize) -> Site {
        self.cols.get(idx).copied().unwrap_or(self.line)
    }
}

/// The action whose body is being read, for `$1`, `@chain`, logging and recursion.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// Its parameters, after DEFAULTS.
    pub(crate) params: Vec<crate::model::expand::Value>,
    /// The log level and tag of the invocation (`none` when absent).
    pub(crate) loglevel: String,
    pub(crate) logtag: String,
    /// The chain the body's rules go to (`@chain`).
    pub(crate) chain: String,
    /// Whether rules are added to the action's chain (`process_action`) rather than inline.
    pub(crate) in_chain: bool,
    /// Whether that chain is an action's (not a rules chain an inline action adds to).
    pub(crate) in_action: bool,
}

/// The state of the rules files being processed.
pub(crate) struct Proc<'c, 'e> {
    pub(crate) ctx: &'c mut Ctx<'e>,
    pub(crate) section: Section,
    next_section: Section,
    /// Sections that may no longer appear (`%sections`).
    closed: HashSet<Section>,
    pub(crate) blacklist: bool,
    pub(crate) macro_nest: usize,
    /// Actions whose bodies are being read (recursion).
    pub(crate) active: Vec<String>,
    /// Normalized action invocations already processed (`%usedactions`).
    pub(crate) used: HashSet<String>,
    /// Actions whose bodies attach conntrack helpers (`$targets{$action} & HELPER`).
    pub(crate) helper_actions: HashSet<String>,
    switches: HashMap<String, u8>,
    pub(crate) helpers_enabled: HashMap<String, bool>,
    pub(crate) layout: MarkLayout,
    /// The policy of each zone pair (`NONE` pairs reject rules).
    pub(crate) none_pairs: HashSet<(String, String)>,
    /// Whether a section was reported out of order.
    section_error: bool,
    /// Whether the directory has an interfaces file (asked once per file read, not per rule).
    interfaces_known: bool,
    /// The raw iptables matches (`;;`) of the records the rule being processed comes from.
    pub(crate) raw: Vec<String>,
}

/// Why processing of a rule stopped (the diagnostic is already reported).
pub(crate) struct Stop;

pub(crate) type Flow<T = ()> = Result<T, Stop>;

pub(crate) fn read_rules(ctx: &mut Ctx<'_>) {
    let mut pass = RulesPass::new(ctx);
    for kind in [FileKind::BlRules, FileKind::Rules] {
        if let Some(events) = pass.read(kind) {
            let items = pass.check(events, true);
            pass.store(kind, items);
        }
    }
}

/// The rules files read and checked one at a time, blrules then rules: [`read_rules`], in
/// steps, so that [`crate::model::build_beside`] can hand the records read to another thread
/// before it checks them.
pub(crate) struct RulesPass<'c, 'e> {
    p: Proc<'c, 'e>,
}

impl<'c, 'e> RulesPass<'c, 'e> {
    pub(crate) fn new(ctx: &'c mut Ctx<'e>) -> RulesPass<'c, 'e> {
        let helpers_enabled = helpers_enabled(ctx);
        let layout = MarkLayout::from_settings(&ctx.model.settings);
        let none_pairs = ctx
            .policy_matrix
            .iter()
            .filter(|(_, policy)| *policy == "NONE")
            .map(|(pair, _)| pair.clone())
            .collect();
        RulesPass {
            p: Proc {
                ctx,
                section: Section::Blacklist,
                next_section: Section::Blacklist,
                closed: HashSet::new(),
                blacklist: true,
                macro_nest: 0,
                active: Vec::new(),
                used: HashSet::new(),
                helper_actions: HashSet::new(),
                switches: HashMap::new(),
                helpers_enabled,
                layout,
                none_pairs,
                section_error: false,
                interfaces_known: false,
                raw: Vec::new(),
            },
        }
    }

    pub(crate) fn ctx(&self) -> &Ctx<'e> {
        self.p.ctx
    }

    /// Reads the file of `kind` (blrules or rules), `None` when there is none.
    pub(crate) fn read(&mut self, kind: FileKind) -> Option<Vec<Event>> {
        let file = self.open(kind)?;
        Some(self.read_open(kind, file, None))
    }

    /// Loads the file of `kind` (blrules or rules), `None` when there is none.
    pub(crate) fn open(&mut self, kind: FileKind) -> Option<FileId> {
        let p = &mut self.p;
        let name = if kind == FileKind::Rules {
            "rules"
        } else {
            "blrules"
        };
        let file = p.ctx.load_config_file(name, kind)?;
        if p.ctx.model.config_file("zones").is_none() {
            let site = Site {
                file,
                range: TextRange::empty(TextSize::from(0)),
            };
            p.ctx.diag(Diagnostic::info(
                "zones-not-checked",
                site,
                "there is no zones file beside this file: zone names were not checked",
            ));
        }
        Some(file)
    }

    /// Reads the file of `kind` loaded as `file`, showing `observer` each event as it is read.
    pub(crate) fn read_open(
        &mut self,
        kind: FileKind,
        file: FileId,
        observer: Option<&mut dyn FnMut(&Event)>,
    ) -> Vec<Event> {
        let p = &mut self.p;
        let is_rules = kind == FileKind::Rules;
        if is_rules {
            // Shorewall's NULL section: the first rule's `next_section` enters NEW and closes
            // ESTABLISHED..UNTRACKED, so a later `?SECTION RELATED` is out of order.
            p.section = Section::Blacklist;
            p.next_section = Section::New;
            p.blacklist = false;
        }
        let events = reader::read_observed(
            p.ctx,
            file,
            ReadOptions {
                action_params: None,
                sections: is_rules,
                action_vars: None,
                call_site: None,
                columns_of: None,
            },
            observer,
        );
        p.interfaces_known = p.ctx.model.config_file("interfaces").is_some();
        events
    }

    /// Checks the records of a file read; with `keep`, returns its items (the records moved,
    /// not copied), else nothing.
    pub(crate) fn check(&mut self, events: Vec<Event>, keep: bool) -> Vec<RulesItem> {
        let p = &mut self.p;
        let mut items = Vec::with_capacity(if keep { events.len() } else { 0 });
        for event in events {
            match event {
                Event::Section { name, site } => {
                    process_section(p, &name, site);
                    if keep {
                        items.push(RulesItem::Section(name));
                    }
                }
                Event::Record(line) => {
                    process_raw_rule(p, &line);
                    if keep {
                        items.push(RulesItem::Record(BodyLine::from_line(line)));
                    }
                }
                Event::Defaults { site, .. } => {
                    p.ctx.diag(Diagnostic::error(
                        "unknown-action",
                        site,
                        "Unknown ACTION (DEFAULTS)",
                    ));
                }
            }
        }
        items
    }

    /// Keeps the items of the file of `kind` in the model.
    pub(crate) fn store(&mut self, kind: FileKind, items: Vec<RulesItem>) {
        let files = &mut self.p.ctx.model.rules_files;
        if kind == FileKind::Rules {
            files.rules = items;
        } else {
            files.blrules = items;
        }
    }
}

/// The item [`RulesPass::check`] keeps of `event`, copied.
pub(crate) fn item_of(event: &Event) -> Option<RulesItem> {
    match event {
        Event::Section { name, .. } => Some(RulesItem::Section(name.clone())),
        Event::Record(line) => Some(RulesItem::Record(BodyLine::from_line_ref(line))),
        Event::Defaults { .. } => None,
    }
}

/// `%helpers_enabled` after HELPERS: every helper whose capability is present, or the listed
/// ones.
fn helpers_enabled(ctx: &Ctx<'_>) -> HashMap<String, bool> {
    const ALL: &[(&str, &str)] = &[
        ("amanda", "AMANDA_HELPER"),
        ("ftp", "FTP_HELPER"),
        ("ftp-0", "FTP0_HELPER"),
        ("h323", "H323_HELPER"),
        ("irc", "IRC_HELPER"),
        ("irc-0", "IRC0_HELPER"),
        ("netbios-ns", "NETBIOS_NS_HELPER"),
        ("pptp", "PPTP_HELPER"),
        ("sane", "SANE_HELPER"),
        ("sane-0", "SANE0_HELPER"),
        ("sip", "SIP_HELPER"),
        ("sip-0", "SIP0_HELPER"),
        ("snmp", "SNMP_HELPER"),
        ("tftp", "TFTP_HELPER"),
        ("tftp-0", "TFTP0_HELPER"),
    ];
    let caps = &ctx.model.capabilities;
    let setting = ctx.model.settings.get("HELPERS").to_owned();
    let listed: Option<Vec<&str>> = if setting.is_empty() {
        None
    } else if setting == "none" {
        Some(Vec::new())
    } else {
        Some(setting.split(',').collect())
    };
    ALL.iter()
        .map(|(name, cap)| {
            let enabled = match &listed {
                None => !name.ends_with("-0") && caps.has(cap),
                Some(list) => list.contains(name) && caps.has(cap),
            };
            ((*name).to_owned(), enabled)
        })
        .collect()
}

/// `process_section`.
fn process_section(p: &mut Proc<'_, '_>, name: &str, site: Site) {
    let section = match name {
        "BLACKLIST" => None,
        _ => Section::from_name(name),
    };
    if name != "BLACKLIST" && section.is_none() {
        p.ctx.diag(Diagnostic::error(
            "section-order",
            site,
            format!("Invalid SECTION ({name})"),
        ));
        return;
    }
    let closed = section.is_some_and(|it| p.closed.contains(&it));
    if closed {
        // The sections after a misplaced one are out of order too; one error says it.
        if !p.section_error {
            p.section_error = true;
            p.ctx.diag(Diagnostic::error(
                "section-order",
                site,
                format!("Duplicate or out of order SECTION {name}"),
            ));
        }
        return;
    }
    let Some(section) = section else {
        p.ctx.diag(Diagnostic::error(
            "section-order",
            site,
            "The BLACKLIST section has been eliminated. Please move your BLACKLIST rules to the 'blrules' file",
        ));
        return;
    };
    for earlier in Section::ORDER {
        if earlier < section || (earlier == section && section == Section::New) {
            p.closed.insert(earlier);
        }
    }
    p.next_section = section;
}

/// A rule's 15 columns. They borrow the record's text where they can: a rule's columns are
/// copied for every zone pair and macro line it expands into.
pub(crate) type Columns<'a> = Vec<Cow<'a, str>>;

/// `process_raw_rule`: one record of rules or blrules.
fn process_raw_rule(p: &mut Proc<'_, '_>, line: &Line) {
    let place = Place::of_line(line);
    if line.value(col::ACTION) == "-" {
        p.ctx.diag(Diagnostic::error(
            "invalid-action",
            line.site,
            "ACTION must be specified",
        ));
        return;
    }
    if p.section != p.next_section {
        // `next_section` → `finish_section`: the earlier conntrack sections are complete.
        let finished: &[Section] = match p.next_section {
            Section::Related => &[Section::Established],
            Section::Invalid => &[Section::Established, Section::Related],
            Section::Untracked => &[Section::Established, Section::Related, Section::Invalid],
            Section::New => &[
                Section::Established,
                Section::Related,
                Section::Invalid,
                Section::Untracked,
            ],
            _ => &[],
        };
        p.closed.extend(finished.iter().copied());
        p.section = p.next_section;
    }
    let cols: Columns = (0..col::COUNT)
        .map(|idx| Cow::Borrowed(line.value(idx)))
        .collect();
    if cols.iter().any(|it| it.contains(UNKNOWN)) {
        // A value from a shell-computed param: what Shorewall would see is unknown.
        return;
    }
    let sources = split_paren_list(&cols[col::SOURCE]);
    let dests = split_paren_list(&cols[col::DEST]);
    let mut work = cols;
    for source in &sources {
        for dest in &dests {
            work[col::SOURCE] = Cow::Borrowed(source);
            work[col::DEST] = Cow::Borrowed(dest);
            p.raw = vec![line.raw_matches.clone().unwrap_or_default()];
            let _ = process_raw_rule1(p, &place, &work);
            p.raw.clear();
        }
    }
}

/// `zone:(a,b)` lists (`split_list3`) and the `zone:(...)` form.
fn split_paren_list(value: &str) -> Vec<String> {
    if !value.contains('(') {
        return vec![value.to_owned()];
    }
    let items: Vec<String> = if value.contains(":(") && value.contains(')') {
        matches::split_list3(value)
            .into_iter()
            .map(str::to_owned)
            .collect()
    } else {
        vec![value.to_owned()]
    };
    items
        .into_iter()
        .map(|it| match it.split_once(":(") {
            Some((zone, rest)) if rest.ends_with(')') && !zone.is_empty() => {
                format!("{zone}:{}", &rest[..rest.len() - 1])
            }
            _ => it,
        })
        .collect()
}

/// `split_list2` on a target: `Invalid parameter (...)` for an empty part or unbalanced
/// parentheses.
fn check_target_parts(target: &str) -> Result<(), String> {
    if target.contains('/') {
        return Ok(());
    }
    let invalid = || Err(format!("Invalid parameter ({target})"));
    if target.starts_with(':') {
        return invalid();
    }
    let mut depth: i64 = 0;
    for ch in target.chars() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return invalid();
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return invalid();
    }
    let mut parts = split_action(target);
    while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    if parts.iter().any(String::is_empty) {
        return invalid();
    }
    Ok(())
}

/// `isolate_basic_target`.
fn isolate_basic_target(target: &str) -> String {
    let first = if target.contains('/') {
        target.split('/').next().unwrap_or("").to_owned()
    } else {
        split_action(target).into_iter().next().unwrap_or_default()
    };
    if let Some(open) = first.find('(') {
        let name = &first[..open];
        if first.ends_with(')')
            && !name.is_empty()
            && name
                .chars()
                .all(|it| it.is_ascii_alphanumeric() || it == '_')
        {
            return name.to_owned();
        }
    }
    first
}

/// `process_raw_rule1`: zone lists, protocol and user lists, and a `process_rule` per
/// combination.
fn process_raw_rule1(p: &mut Proc<'_, '_>, place: &Place, cols: &Columns) -> Flow {
    let source = &cols[col::SOURCE];
    let dest = &cols[col::DEST];
    let is_none = |it: &str| {
        let zone = it.split(':').next().unwrap_or("");
        zone.eq_ignore_ascii_case("none")
    };
    if is_none(source) || is_none(dest) {
        return Ok(());
    }
    if let Err(message) = check_target_parts(&cols[col::ACTION]) {
        return Err(p.fail(place, Problem::new(col::ACTION, "invalid-action", message)));
    }
    let action = isolate_basic_target(&cols[col::ACTION]);
    let mut intrazone = false;
    let mut wild = false;
    let sources = build_zone_list(p, place, source, col::SOURCE, &mut intrazone, &mut wild)?;
    let dests = build_zone_list(p, place, dest, col::DEST, &mut intrazone, &mut wild)?;
    let protos = split_list1(p, place, &cols[col::PROTO], "Protocol", col::PROTO)?;
    let users = split_list1(p, place, &cols[col::USER], "USER/GROUP", col::USER)?;
    if protos.len() > 1 && cols[col::PROTO].contains('!') {
        return Err(p.fail(
            place,
            Problem::new(
                col::PROTO,
                "unknown-protocol",
                "Inversion not allowed in a PROTO list",
            ),
        ));
    }
    let fw = p.firewall_zone();
    // One working copy of the columns for every combination (each sets the four it varies).
    let mut work = cols.clone();
    for s in &sources {
        for d in &dests {
            let source_zone = s.split(':').next().unwrap_or("");
            let mut dest_zone = d.split(':').next().unwrap_or("");
            if !p.zone_defined(dest_zone) {
                dest_zone = if action.starts_with("REDIRECT") {
                    &fw
                } else {
                    ""
                };
            }
            if wild && !intrazone && source_zone == dest_zone {
                continue;
            }
            for proto in &protos {
                for user in &users {
                    work[col::SOURCE] = Cow::Borrowed(s);
                    work[col::DEST] = Cow::Borrowed(d);
                    work[col::PROTO] = Cow::Borrowed(proto);
                    work[col::USER] = Cow::Borrowed(user);
                    process_rule(p, None, place, &work, "", wild)?;
                }
            }
        }
    }
    Ok(())
}

/// `split_list1`: a comma list whose members may be `(a,b)` groups.
fn split_list1(
    p: &mut Proc<'_, '_>,
    place: &Place,
    list: &str,
    what: &str,
    idx: usize,
) -> Flow<Vec<String>> {
    let invalid = |p: &mut Proc<'_, '_>| {
        p.fail(
            place,
            Problem::new(
                idx,
                "invalid-column",
                format!("Invalid {what} list ({list})"),
            ),
        )
    };
    if crate::compile::lists::misplaced_comma(list) {
        return Err(invalid(p));
    }
    if !list.contains(['(', ')']) {
        return Ok(list.split(',').map(str::to_owned).collect());
    }
    let mut res = Vec::new();
    let mut element = String::new();
    for item in list.split(',') {
        let opens = item.matches('(').count();
        let closes = item.matches(')').count();
        if opens > 0 {
            if !element.is_empty() || opens > 1 {
                return Err(invalid(p));
            }
            let item = item.replacen('(', "", 1);
            if closes > 0 {
                if closes > 1 {
                    return Err(invalid(p));
                }
                res.push(item.replacen(')', "", 1));
            } else {
                element = item;
            }
        } else if closes > 0 {
            if element.is_empty() || closes != 1 {
                return Err(invalid(p));
            }
            res.push(format!("{element},{}", item.replacen(')', "", 1)));
            element.clear();
        } else if !element.is_empty() {
            element = format!("{element},{item}");
        } else {
            res.push(item.to_owned());
        }
    }
    if !element.is_empty() {
        return Err(invalid(p));
    }
    Ok(res)
}

/// `build_zone_list`: `all[+-][!zones][:rest]`, `a,b[+][:rest]` or a single zone.
fn build_zone_list(
    p: &mut Proc<'_, '_>,
    place: &Place,
    input: &str,
    idx: usize,
    intrazone: &mut bool,
    wild: &mut bool,
) -> Flow<Vec<String>> {
    let which = if idx == col::SOURCE { "SOURCE" } else { "DEST" };
    let any = input.starts_with("any");
    let input: Cow<'_, str> = if any {
        format!("all{}", &input[3..]).into()
    } else {
        input.into()
    };
    // `^(all[-+]*)(![^:]+)?(:.*)?$`
    if let Some(after) = input.strip_prefix("all") {
        let modifiers_len = after
            .bytes()
            .take_while(|b| *b == b'-' || *b == b'+')
            .count();
        let modifiers = &after[..modifiers_len];
        let mut rest = &after[modifiers_len..];
        let mut exclude: Option<&str> = None;
        if let Some(excl) = rest.strip_prefix('!') {
            let len = excl.find(':').unwrap_or(excl.len());
            if len > 0 {
                exclude = Some(&excl[..len]);
                rest = &excl[len..];
            }
        }
        if rest.is_empty() || rest.starts_with(':') {
            *wild = true;
            let mut excluded: HashSet<String> = HashSet::new();
            if let Some(list) = exclude {
                if list.starts_with(',')
                    || list.contains('!')
                    || list.contains(",,")
                    || list.ends_with(',')
                {
                    return Err(p.fail(
                        place,
                        Problem::new(
                            idx,
                            "unknown-zone",
                            format!("Invalid exclusion list (!{list})"),
                        ),
                    ));
                }
                for zone in list.split(',') {
                    if !p.zone_defined(zone) {
                        return Err(p.fail(
                            place,
                            Problem::new(idx, "unknown-zone", format!("Unknown zone ({zone})"))
                                .at(zone),
                        ));
                    }
                    p.reference_zone(place, idx, zone);
                    excluded.insert(zone.to_owned());
                }
            }
            let fw = p.firewall_zone();
            match modifiers {
                "" => {}
                "+" => *intrazone = true,
                "+-" | "-+" => {
                    *intrazone = true;
                    excluded.insert(fw.clone());
                }
                "-" => {
                    excluded.insert(fw.clone());
                }
                _ => {
                    return Err(p.fail(
                        place,
                        Problem::new(
                            idx,
                            "unknown-zone",
                            format!("Invalid {which} (all{modifiers})"),
                        ),
                    ));
                }
            }
            if !p.ctx.model.zones_checked {
                return Ok(vec![format!("all{rest}")]);
            }
            let mut res: Vec<String> = Vec::new();
            if !excluded.contains(&fw) {
                res.push(fw.clone());
            }
            for zone in &p.ctx.model.zones {
                let eligible = if any {
                    !matches!(zone.kind, ZoneType::Firewall | ZoneType::Vserver)
                        && zone.parents.is_empty()
                } else {
                    zone.kind != ZoneType::Firewall
                };
                if eligible && !excluded.contains(&zone.name) {
                    res.push(format!("{}{rest}", zone.name));
                }
            }
            if let Some(first) = res.first_mut() {
                if *first == fw {
                    first.push_str(rest);
                }
            }
            return Ok(res);
        }
    }
    // `^([^:]+,[^:]+)(:.*)?$`
    let (head, rest) = match input.find(':') {
        Some(pos) => (&input[..pos], &input[pos..]),
        None => (&*input, ""),
    };
    if head.contains(',') && !head.starts_with(',') && !head.ends_with(',') {
        *wild = true;
        let head = match head.strip_suffix('+') {
            Some(it) => {
                *intrazone = true;
                it
            }
            None => head,
        };
        let zones = matches::split_list(head, "zone", idx).map_err(|it| p.fail(place, it))?;
        return Ok(zones.iter().map(|zone| format!("{zone}{rest}")).collect());
    }
    Ok(vec![input.into_owned()])
}

impl<'c, 'e> Proc<'c, 'e> {
    /// The sections that are complete (`%sections`).
    pub(crate) fn closed_sections(&self) -> &HashSet<Section> {
        &self.closed
    }

    pub(crate) fn firewall_zone(&self) -> String {
        self.ctx
            .model
            .firewall_zone
            .clone()
            .unwrap_or_else(|| "fw".to_owned())
    }

    pub(crate) fn zone_defined(&self, zone: &str) -> bool {
        !self.ctx.model.zones_checked || self.ctx.model.zone(zone).is_some()
    }

    fn zone_type(&self, zone: &str) -> Option<ZoneType> {
        self.ctx.model.zone(zone).map(|it| it.kind)
    }

    /// Reports a problem at the place its column comes from.
    pub(crate) fn report(&mut self, place: &Place, problem: Problem, severity: Severity) {
        let mut site = place.col(problem.col);
        if let Some(needle) = &problem.needle {
            site = narrow(self.ctx, site, needle);
        }
        let mut diagnostic = match severity {
            Severity::Error => Diagnostic::error(problem.code, site, problem.message),
            Severity::Warning => Diagnostic::warning(problem.code, site, problem.message),
        };
        for (what, body_site) in place.trail.iter().rev() {
            if body_site.file == site.file {
                continue;
            }
            let line = self.ctx.model.files.get(body_site.file).map_or(0, |it| {
                it.line_index.line_col(body_site.range.start()).line + 1
            });
            let path = self
                .ctx
                .model
                .files
                .get(body_site.file)
                .map(|it| it.path.display().to_string())
                .unwrap_or_default();
            diagnostic.message = format!("{} (in {what}, {path} line {line})", diagnostic.message);
            diagnostic.related.push((*body_site, format!("in {what}")));
        }
        self.ctx.diag(diagnostic);
    }

    /// Reports an error and returns the [`Stop`] to propagate.
    pub(crate) fn fail(&mut self, place: &Place, problem: Problem) -> Stop {
        self.report(place, problem, Severity::Error);
        Stop
    }

    pub(crate) fn warn(&mut self, place: &Place, problem: Problem) {
        self.report(place, problem, Severity::Warning);
    }

    fn reference_zone(&mut self, place: &Place, idx: usize, zone: &str) {
        if !place.trail.is_empty() {
            return;
        }
        let site = narrow(self.ctx, place.col(idx), zone);
        self.ctx.model.references.push(Reference {
            site,
            target: RefTarget::Zone(zone.to_owned()),
        });
    }

    pub(crate) fn env(&self) -> Env<'_> {
        Env {
            family: self.ctx.model.family,
            caps: &self.ctx.model.capabilities,
            names: &self.ctx.model.names,
            helpers_enabled: &self.helpers_enabled,
        }
    }
}

/// The severity of a reported problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    Error,
    Warning,
}

/// The part of `site` that holds `needle`, when it appears there exactly once.
fn narrow(ctx: &Ctx<'_>, site: Site, needle: &str) -> Site {
    let Some(file) = ctx.model.files.get(site.file) else {
        return site;
    };
    let start = usize::from(site.range.start());
    let end = usize::from(site.range.end());
    let Some(text) = file.text.get(start..end) else {
        return site;
    };
    let mut found = text.match_indices(needle);
    match (found.next(), found.next()) {
        (Some((offset, _)), None) => Site {
            file: site.file,
            range: TextRange::at(
                TextSize::from((start + offset) as u32),
                TextSize::from(needle.len() as u32),
            ),
        },
        _ => site,
    }
}

/// What an ACTION column name is (Shorewall's `%targets`, with `find_macro`).
pub(crate) fn target_type(ctx: &mut Ctx<'_>, name: &str) -> Option<u32> {
    if let Some(flags) = catalog::builtin_target(name, ctx.model.family) {
        return Some(flags);
    }
    if let Some(action) = ctx.model.catalog.action(name) {
        return Some(action.target_flags());
    }
    // The blacklist logging chains that processing blrules creates (`ensure_blacklog_chain`).
    if matches!(name, "blacklog" | "A_blacklog")
        && !ctx.model.settings.get("BLACKLIST_LOG_LEVEL").is_empty()
    {
        return Some(flags::CHAIN);
    }
    catalog::find_macro(ctx, name).map(|_| flags::MACRO)
}

/// `process_rule`: one rule after zone-list expansion. `frame` is the action whose body the
/// rule is in, if any; `current_param` the parameter of the enclosing macro.
pub(crate) fn process_rule(
    p: &mut Proc<'_, '_>,
    frame: Option<&Frame>,
    place: &Place,
    cols: &Columns,
    current_param: &str,
    wildcard: bool,
) -> Flow<bool> {
    let target: &str = &cols[col::ACTION];
    let parts = split_action(target);
    if parts.len() > 3 {
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "invalid-action",
                format!("Invalid ACTION ({target})"),
            ),
        ));
    }
    if target.starts_with(':') {
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "invalid-action",
                format!("Invalid ACTION ({target})"),
            ),
        ));
    }
    let action_text = parts[0].clone();
    let loglevel = parts[1..].join(":");
    let (basic, param) = target_param(&action_text);
    let mut param = param.unwrap_or_default();
    let in_chain = frame.is_some_and(|it| it.in_chain);
    let in_action = frame.is_some_and(|it| it.in_action);
    // INLINE's parameter is an action; `;;` may hold a `-j` target.
    let (basic, action_text, loglevel) = if basic == "INLINE" {
        if param.is_empty() {
            (basic, action_text, loglevel)
        } else {
            let inner = param.clone();
            let inner_parts = split_action(&inner);
            let (inner_basic, inner_param) = target_param(&inner_parts[0]);
            param = inner_param.unwrap_or_default();
            let level = if inner_parts.len() > 1 {
                inner_parts[1..].join(":")
            } else {
                loglevel
            };
            (inner_basic, inner_parts[0].clone(), level)
        }
    } else {
        (basic, action_text, loglevel)
    };
    let Some(mut actiontype) = target_type(p.ctx, &basic) else {
        let shown = if loglevel.is_empty() {
            target.to_owned()
        } else {
            action_text.clone()
        };
        let mut message = format!("Unknown ACTION ({shown})");
        if p.ctx.catalog_state.library_missing && catalog::is_standard_name(&basic) {
            // The library is missing: one mistake, reported at its first consequence.
            if p.ctx.catalog_state.library_missing_reported {
                return Err(Stop);
            }
            p.ctx.catalog_state.library_missing_reported = true;
            message.push_str(&catalog::library_missing_note(p.ctx));
        }
        return Err(p.fail(
            place,
            Problem::new(col::ACTION, "unknown-action", message).at(&basic),
        ));
    };
    reference_target(p, place, &basic, actiontype);
    if actiontype & flags::MACRO != 0 {
        if p.macro_nest >= MAX_MACRO_NEST {
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "invalid-action",
                    "Macro/Inline invocations nested too deeply",
                ),
            ));
        }
        let current = if param.is_empty() || param == "PARAM" {
            current_param.to_owned()
        } else {
            param.clone()
        };
        p.macro_nest += 1;
        let res = bodies::process_macro(p, frame, place, &basic, cols, &current, wildcard);
        p.macro_nest -= 1;
        return res;
    }
    let usergenerated = actiontype & flags::IPTABLES != 0;
    let env_check = |p: &mut Proc<'_, '_>, check: Check| check.map_err(|it| p.fail(place, it));
    if actiontype & flags::NFQ != 0 {
        let env = p.env();
        let check = matches::handle_nfqueue(&env, &param);
        env_check(p, check)?;
    } else if actiontype & flags::SET != 0 {
        let env = p.env();
        let check = env.require(col::ACTION, "IPSET_MATCH", "SET and UNSET rules", "");
        env_check(p, check)?;
        if param.is_empty() {
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "invalid-action",
                    format!("{action_text} rules require a set name parameter"),
                ),
            ));
        }
    } else if actiontype & flags::AUDIT != 0 && basic == "AUDIT" {
        let env = p.env();
        let check = env.require(col::ACTION, "AUDIT_TARGET", "The AUDIT action", "s");
        env_check(p, check)?;
        let kind = if param.is_empty() { "drop" } else { &param };
        if !matches!(kind, "accept" | "drop" | "reject") {
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "invalid-action",
                    format!("Invalid AUDIT type ({kind}) -- must be 'accept', 'drop' or 'reject'"),
                ),
            ));
        }
        actiontype = flags::STANDARD;
    } else if !usergenerated {
        if actiontype & flags::NFLOG != 0 {
            check_level(p, place, &action_text)?;
        } else if actiontype & (flags::ACTION | flags::INLINE | flags::IPTABLES | flags::TARPIT)
            == 0
        {
            if actiontype == flags::USERBUILTIN {
                return Err(p.fail(
                    place,
                    Problem::new(
                        col::ACTION,
                        "invalid-action",
                        "'builtin' actions may only be used in INLINE or IP[6]TABLES rules",
                    ),
                ));
            }
            if !param.is_empty() && actiontype & flags::OPTIONS == 0 {
                return Err(p.fail(
                    place,
                    Problem::new(
                        col::ACTION,
                        "invalid-action",
                        format!("The {basic} TARGET does not accept a parameter"),
                    ),
                ));
            }
        }
    }
    if p.blacklist && basic.ends_with(['-', '+', '!']) {
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "invalid-action",
                "The +, - and ! modifiers are not allowed in the blrules file",
            ),
        ));
    }
    if actiontype & (flags::ACTION | flags::INLINE | flags::IPTABLES | flags::TARPIT) == 0
        && action_text.ends_with("()")
    {
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "invalid-action",
                format!("The {basic} TARGET does not accept parameters"),
            ),
        ));
    }
    if actiontype & (flags::NATRULE | flags::NONAT | flags::NATONLY) != 0
        && p.section != Section::New
    {
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "action-not-allowed-in-section",
                "NAT rules are only allowed in the NEW section",
            ),
        ));
    }
    if actiontype & flags::HELPER != 0 && p.section != Section::New {
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "action-not-allowed-in-section",
                "HELPER rules are only allowed in the NEW section",
            ),
        ));
    }
    let mut dest = cols[col::DEST].to_string();
    let helper: &str = &cols[col::HELPER];
    let proto: &str = &cols[col::PROTO];
    let bt = basic.trim_end_matches(['-', '+', '!']).to_owned();
    if actiontype
        & (flags::ACTION | flags::MACRO | flags::NFLOG | flags::NFQ | flags::CHAIN | flags::INLINE)
        == 0
    {
        special_targets(
            p,
            place,
            &bt,
            &basic,
            &param,
            &mut actiontype,
            &loglevel,
            proto,
            helper,
            &mut dest,
            cols,
            in_chain,
        )?;
    }
    // Zones.
    let mut source: &str = &cols[col::SOURCE];
    let mut source_zone: &str = "-";
    let mut dest_zone = String::from("-");
    if !in_chain {
        match source.find(':') {
            Some(pos) => {
                if pos + 1 == source.len() {
                    return Err(p.fail(
                        place,
                        Problem::new(
                            col::SOURCE,
                            "missing-zone",
                            format!("Missing SOURCE Qualifier ({source})"),
                        ),
                    ));
                }
                source_zone = &source[..pos];
                source = &source[pos + 1..];
            }
            None => {
                source_zone = source;
                source = if actiontype == flags::INLINE {
                    "-"
                } else {
                    all_ip(p)
                };
            }
        }
        match dest.find(':') {
            Some(pos) => {
                if pos + 1 == dest.len() {
                    return Err(p.fail(
                        place,
                        Problem::new(
                            col::DEST,
                            "missing-zone",
                            format!("Missing DEST Qualifier ({dest})"),
                        ),
                    ));
                }
                dest_zone = dest[..pos].to_owned();
                dest = dest[pos + 1..].to_owned();
            }
            None if dest
                .find('.')
                .is_some_and(|it| dest[it + 1..].contains('.')) =>
            {
                dest_zone = "-".to_owned();
            }
            None => {
                dest_zone = dest.clone();
                dest = if actiontype == flags::INLINE {
                    "-".to_owned()
                } else {
                    all_ip(p).to_owned()
                };
            }
        }
        if source_zone == "-" || source_zone.is_empty() {
            return Err(p.fail(
                place,
                Problem::new(col::SOURCE, "missing-zone", "Missing source zone"),
            ));
        }
        if !p.zone_defined(source_zone) {
            return Err(unknown_zone(p, place, col::SOURCE, source_zone, "source"));
        }
        p.reference_zone(place, col::SOURCE, source_zone);
        if cols[col::USER] != "-" && source_zone != p.firewall_zone() && p.ctx.model.zones_checked {
            return Err(p.fail(
                place,
                Problem::new(
                    col::USER,
                    "user-requires-firewall-source",
                    "USER/GROUP may only be specified when the SOURCE zone is $FW",
                ),
            ));
        }
    }
    if actiontype & flags::NATONLY != 0 {
        if dest_zone != "-" && !dest_zone.is_empty() && !p.zone_defined(&dest_zone) {
            dest = format!("{dest_zone}:{dest}");
            dest_zone = String::new();
        } else if dest_zone != "-" && !dest_zone.is_empty() && !in_chain {
            p.warn(
                place,
                Problem::new(
                    col::DEST,
                    "ignored-column",
                    format!("The destination zone ({dest_zone}) is ignored in {bt} rules"),
                ),
            );
        }
    } else if !in_chain {
        if dest_zone == "-" || dest_zone.is_empty() {
            return Err(p.fail(
                place,
                Problem::new(col::DEST, "missing-zone", "Missing destination zone"),
            ));
        }
        if !p.zone_defined(&dest_zone) {
            return Err(unknown_zone(p, place, col::DEST, &dest_zone, "destination"));
        }
        p.reference_zone(place, col::DEST, &dest_zone);
    }
    let on_firewall = |p: &Proc<'_, '_>, zone: &str| {
        matches!(
            p.zone_type(zone),
            Some(ZoneType::Firewall | ZoneType::Vserver)
        )
    };
    let mut restriction = restrict::NONE;
    if !in_chain {
        if on_firewall(p, source_zone) {
            restriction = if on_firewall(p, &dest_zone) {
                restrict::ALL
            } else {
                restrict::OUTPUT
            };
        } else if on_firewall(p, &dest_zone) {
            restriction = restrict::INPUT;
        }
    }
    let origdest = if cols[col::ORIGDEST] == "all" {
        String::new()
    } else {
        cols[col::ORIGDEST].to_string()
    };
    // The zone pair's chain.
    let chain = if in_chain {
        frame.map(|it| it.chain.clone()).unwrap_or_default()
    } else {
        zone_pair_chain(p.ctx, source_zone, &dest_zone)
    };
    if !in_chain && actiontype & flags::NATONLY == 0 {
        if p.zone_type(&dest_zone) == Some(ZoneType::Bport)
            && !crate::model::zones::bridge_reaches(&p.ctx.model, source_zone, &dest_zone)
        {
            if wildcard {
                return Ok(false);
            }
            return Err(p.fail(
                place,
                Problem::new(
                    col::DEST,
                    "invalid-column",
                    "Rules with a DESTINATION Bridge Port zone must have a SOURCE zone on the same bridge",
                ),
            ));
        }
        if p.none_pairs
            .iter()
            .any(|(source, dest)| source == source_zone && *dest == dest_zone)
        {
            if wildcard {
                return Ok(false);
            }
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "invalid-policy",
                    "Rules may not override a NONE policy",
                ),
            ));
        }
    }
    // Actions and inline actions.
    if actiontype & flags::ACTION != 0 {
        let proto = bodies::determine_action_protocol(p, place, &basic, &cols[col::PROTO])?;
        let mut ports = cols[col::DPORT].to_string();
        if proto != "-" {
            ports = bodies::determine_action_dport(p, place, &basic, &proto, &ports)?;
        }
        let mut cols = cols.clone();
        cols[col::PROTO] = proto.into();
        cols[col::DPORT] = ports.into();
        let chain_for_action = chain.clone();
        bodies::process_action(
            p,
            frame,
            place,
            &basic,
            &loglevel,
            &param,
            &chain_for_action,
        )?;
        // `handle_helper_rule`: an action that attaches helpers gets no HELPER column.
        if cols[col::HELPER] != "-" && p.helper_actions.contains(basic.as_str()) {
            return Err(p.fail(
                place,
                Problem::new(
                    col::HELPER,
                    "invalid-action",
                    "A HELPER is not allowed with this ACTION",
                ),
            ));
        }
        // The jump to the action's chain.
        return finish_rule(
            p,
            place,
            &cols,
            FinishArgs {
                basic: &basic,
                bt: &bt,
                actiontype,
                loglevel: "",
                source,
                dest: &dest,
                origdest: &origdest,
                restriction,
                chain: &chain,
                wildcard,
                in_action,
                nat_param: false,
            },
        );
    }
    if actiontype & flags::INLINE != 0 {
        if p.macro_nest >= MAX_MACRO_NEST {
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "invalid-action",
                    "Macro/Inline invocations nested too deeply",
                ),
            ));
        }
        p.macro_nest += 1;
        // The body's rules go to the rules chain, with the invocation's SOURCE and DEST
        // without their zones.
        let mut inline_cols = cols.clone();
        inline_cols[col::SOURCE] = Cow::Borrowed(source);
        inline_cols[col::DEST] = Cow::Borrowed(&dest);
        let res = bodies::process_inline(
            p,
            frame,
            place,
            &basic,
            &loglevel,
            &param,
            &inline_cols,
            wildcard,
            &chain,
        );
        p.macro_nest -= 1;
        return res;
    }
    if !loglevel.is_empty() {
        check_rule_level(p, place, &loglevel)?;
    }
    finish_rule(
        p,
        place,
        cols,
        FinishArgs {
            basic: &basic,
            bt: &bt,
            actiontype,
            loglevel: &loglevel,
            source,
            dest: &dest,
            origdest: &origdest,
            restriction,
            chain: &chain,
            wildcard,
            in_action,
            nat_param: !param.is_empty(),
        },
    )
}

const MAX_MACRO_NEST: usize = 10;

/// Shorewall's `ALLIP`: every address of the family.
pub(crate) fn all_ip(p: &Proc<'_, '_>) -> &'static str {
    match p.ctx.model.family {
        shorewall_syntax::Family::Ipv4 => "0.0.0.0/0",
        shorewall_syntax::Family::Ipv6 => "::/0",
    }
}

fn unknown_zone(p: &mut Proc<'_, '_>, place: &Place, idx: usize, zone: &str, what: &str) -> Stop {
    let mut problem =
        Problem::new(idx, "unknown-zone", format!("Unknown {what} zone ({zone})")).at(zone);
    if let Some(suggestion) = closest(zone, p.ctx.model.zones.iter().map(|it| it.name.as_str())) {
        problem
            .message
            .push_str(&format!("; did you mean '{suggestion}'?"));
    }
    p.fail(place, problem)
}

/// `validate_level` on a rule's `level[:tag]`, then `Invalid log tag`.
fn check_rule_level(p: &mut Proc<'_, '_>, place: &Place, loglevel: &str) -> Flow {
    let mut parts = loglevel.splitn(3, ':');
    let level = parts.next().unwrap_or("");
    let _tag = parts.next();
    if parts.next().is_some() {
        return Err(p.fail(
            place,
            Problem::new(col::ACTION, "invalid-log-level", "Invalid log tag"),
        ));
    }
    if level.eq_ignore_ascii_case("none") || level.eq_ignore_ascii_case("none!") {
        return Ok(());
    }
    check_level(p, place, level)
}

/// `validate_level`.
pub(crate) fn check_level(p: &mut Proc<'_, '_>, place: &Place, level: &str) -> Flow {
    let res = log_level::check(level, Some(&p.ctx.model.capabilities), p.ctx.model.family);
    match res {
        Ok(_) => Ok(()),
        Err(message) => {
            let code = if message.contains("require") {
                "missing-capability"
            } else {
                "invalid-log-level"
            };
            Err(p.fail(place, Problem::new(col::ACTION, code, message).at(level)))
        }
    }
}

fn reference_target(p: &mut Proc<'_, '_>, place: &Place, name: &str, actiontype: u32) {
    if !place.trail.is_empty() {
        return;
    }
    let target = if actiontype & flags::MACRO != 0 {
        RefTarget::Macro(name.to_owned())
    } else if actiontype & (flags::ACTION | flags::INLINE) != 0 {
        RefTarget::Action(name.to_owned())
    } else {
        return;
    };
    let site = narrow(p.ctx, place.col(col::ACTION), name);
    p.ctx.model.references.push(Reference { site, target });
}

/// The `%functions` of `process_rule`: the targets with their own syntax.
#[allow(clippy::too_many_arguments)]
fn special_targets(
    p: &mut Proc<'_, '_>,
    place: &Place,
    bt: &str,
    basic: &str,
    param: &str,
    actiontype: &mut u32,
    loglevel: &str,
    proto: &str,
    helper: &str,
    dest: &mut String,
    cols: &Columns,
    in_chain: bool,
) -> Flow {
    let problem = |message: String| Problem::new(col::ACTION, "invalid-action", message);
    let env = p.env();
    let result: Check = match bt {
        "ACCEPT" => {
            if !p.blacklist && helper != "-" && p.section == Section::New {
                *actiontype |= flags::HELPER;
            }
            Ok(())
        }
        "CONNMARK" | "MARK" => handle_mark(&env, &p.layout, bt, param),
        "REDIRECT" => {
            redirect_dest(p, *actiontype, dest, &cols[col::DPORT], in_chain);
            Ok(())
        }
        "REJECT" => {
            if param.is_empty() {
                Ok(())
            } else {
                let tcp_reset = param == "tcp-reset";
                if !reject_option(param, env.family) {
                    Err(problem(format!("Invalid REJECT option ({param})")))
                } else if tcp_reset
                    && matches::resolve_proto(&env, proto, col::PROTO)
                        .ok()
                        .flatten()
                        != Some(matches::TCP)
                {
                    Err(problem(
                        "tcp-reset may only be used with PROTO tcp".to_owned(),
                    ))
                } else {
                    Ok(())
                }
            }
        }
        "WHITELIST" if !p.blacklist => Err(problem(
            "'WHITELIST' may only be used in the blrules file".to_owned(),
        )),
        "LOG" if loglevel.is_empty() => Err(problem("LOG requires a log level".to_owned())),
        "HELPER" => {
            if helper == "-" {
                Err(problem(
                    "HELPER requires that a helper be specified in the HELPER column".to_owned(),
                ))
            } else if p.section != Section::New {
                Err(problem(
                    "HELPER rules may only appear in the NEW section".to_owned(),
                ))
            } else {
                Ok(())
            }
        }
        "IPTABLES" | "IP6TABLES" => {
            if param.is_empty() {
                Ok(())
            } else {
                let own = match env.family {
                    shorewall_syntax::Family::Ipv4 => "IPTABLES",
                    shorewall_syntax::Family::Ipv6 => "IP6TABLES",
                };
                if bt != own {
                    Err(Problem::new(
                        col::ACTION,
                        "unknown-action",
                        format!("Unknown ACTION ({bt})"),
                    ))
                } else {
                    let target = param.split(' ').next().unwrap_or("");
                    if catalog::iptables_target(target).is_some() {
                        Ok(())
                    } else {
                        Err(problem(format!("Unknown target ({target})")))
                    }
                }
            }
        }
        "TARPIT" => env
            .require(col::ACTION, "TARPIT_TARGET", "TARPIT", "s")
            .and_then(|()| {
                if matches::resolve_proto(&env, proto, col::PROTO)
                    .ok()
                    .flatten()
                    != Some(matches::TCP)
                {
                    return Err(problem(
                        "TARPIT is only valid with PROTO tcp (6)".to_owned(),
                    ));
                }
                if !param.is_empty() && !matches!(param, "tarpit" | "honeypot" | "reset") {
                    return Err(problem(
                        "TARPIT Parameter must be 'tarpit', 'honeypot' or 'reset'".to_owned(),
                    ));
                }
                Ok(())
            }),
        _ => {
            if *actiontype & flags::NATRULE != 0 && helper != "-" {
                *actiontype |= flags::HELPER;
                Ok(())
            } else if *actiontype & flags::SET != 0 {
                check_set_param(basic, param)
            } else {
                Ok(())
            }
        }
    };
    result.map_err(|it| p.fail(place, it))
}

/// The REJECT options of a family (`%reject_options`).
fn reject_option(option: &str, family: shorewall_syntax::Family) -> bool {
    const V4: &[&str] = &[
        "icmp-net-unreachable",
        "icmp-host-unreachable",
        "icmp-port-unreachable",
        "icmp-proto-unreachable",
        "icmp-net-prohibited",
        "icmp-host-prohibited",
        "icmp-admin-prohibited",
        "tcp-reset",
    ];
    const V6: &[&str] = &[
        "icmp6-no-route",
        "no-route",
        "icmp6-adm-prohibited",
        "adm-prohibited",
        "icmp6-addr-unreachable",
        "addr-unreach",
        "icmp6-port-unreachable",
        "tcp-reset",
    ];
    match family {
        shorewall_syntax::Family::Ipv4 => V4.contains(&option),
        shorewall_syntax::Family::Ipv6 => V6.contains(&option),
    }
}

/// `handle_mark` (MARK and CONNMARK in the rules file).
fn handle_mark(env: &Env<'_>, layout: &MarkLayout, target: &str, param: &str) -> Check {
    env.require(
        col::ACTION,
        "MARK_ANYWHERE",
        &format!("The {target} action"),
        "s",
    )?;
    let param = param.trim_start_matches(['|', '&']);
    if param.contains('-') {
        return Err(Problem::new(
            col::ACTION,
            "invalid-action",
            "Mark Ranges are not supported in the rules file",
        ));
    }
    if !param.is_empty() {
        matches::validate_mark(layout, param, col::ACTION)?;
    }
    Ok(())
}

/// ADD/DEL: `setname,flags[,timeout]`.
fn check_set_param(basic: &str, param: &str) -> Check {
    let problem = |message: String| Err(Problem::new(col::ACTION, "invalid-action", message));
    let mut parts = param.splitn(4, ':');
    let setname = parts.next().unwrap_or("");
    let set_flags = parts.next();
    let timeout = parts.next();
    if parts.next().is_some_and(|it| !it.is_empty()) {
        return problem(format!("Invalid ADD/DEL parameter ({param})"));
    }
    let setname = setname.strip_prefix('+').unwrap_or(setname);
    let name = setname.strip_prefix("6_").unwrap_or(setname);
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic())
        && name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
    if !valid_name {
        return problem(format!("Expected ipset name ({setname})"));
    }
    let valid_flags = set_flags.is_some_and(|it| {
        let items: Vec<&str> = it.split(',').collect();
        items.len() <= 6 && items.iter().all(|it| *it == "src" || *it == "dst")
    });
    if !valid_flags {
        return problem(format!("Invalid flags ({})", set_flags.unwrap_or("")));
    }
    if let Some(timeout) = timeout.filter(|it| !it.is_empty()) {
        if basic != "ADD" {
            return problem("A timeout may only be supplied in an ADD rule".to_owned());
        }
        if !timeout.bytes().all(|b| b.is_ascii_digit()) || timeout.parse::<u64>().unwrap_or(0) == 0
        {
            return problem(format!("Invalid Timeout ({timeout})"));
        }
    }
    Ok(())
}

/// REDIRECT: an empty DEST is the firewall with the port; a port alone gets the firewall zone.
fn redirect_dest(
    p: &Proc<'_, '_>,
    actiontype: u32,
    dest: &mut String,
    ports: &str,
    in_chain: bool,
) {
    let zone = if actiontype & flags::NATONLY != 0 {
        String::new()
    } else {
        p.firewall_zone()
    };
    let v4 = p.ctx.model.family == shorewall_syntax::Family::Ipv4;
    let separator = if v4 { "::" } else { ":[]:" };
    if dest == "-" {
        *dest = if in_chain {
            String::new()
        } else {
            let port = if ports.contains([':', ',']) {
                ""
            } else {
                ports
            };
            format!("{zone}{separator}{port}")
        };
    } else if in_chain {
        *dest = if v4 {
            format!(":{dest}")
        } else {
            format!("[]:{dest}")
        };
    } else {
        // `unless $dest =~ /^[^\d].*:/`
        let mut chars = dest.chars();
        let named =
            chars.next().is_some_and(|c| !c.is_ascii_digit()) && chars.as_str().contains(':');
        if !named {
            *dest = format!("{zone}{separator}{dest}");
        }
    }
}

/// The rest of `process_rule` for a rule that is not a macro or inline action: the matches of
/// the columns, the section checks, NAT and the host parts.
struct FinishArgs<'a> {
    basic: &'a str,
    bt: &'a str,
    actiontype: u32,
    loglevel: &'a str,
    source: &'a str,
    dest: &'a str,
    origdest: &'a str,
    restriction: u32,
    chain: &'a str,
    wildcard: bool,
    in_action: bool,
    /// A DNAT or REDIRECT with a parameter: its nat rule has no target.
    nat_param: bool,
}

fn finish_rule(
    p: &mut Proc<'_, '_>,
    place: &Place,
    cols: &Columns,
    args: FinishArgs<'_>,
) -> Flow<bool> {
    let mut switches = std::mem::take(&mut p.switches);
    let env = p.env();
    let layout = p.layout;
    // The matches of the columns, each checked (and all reported).
    let rate_action = if args.actiontype & (flags::NATRULE | flags::NONAT) != 0
        && args.actiontype & flags::NATONLY == 0
    {
        "ACCEPT"
    } else {
        args.basic
    };
    // Room for every check up front: growing a vector of results moves them all.
    let mut checks: Vec<Check> = Vec::with_capacity(10);
    checks.extend([
        matches::do_proto(
            &env,
            &cols[col::PROTO],
            &cols[col::DPORT],
            &cols[col::SPORT],
        ),
        matches::do_ratelimit(&env, &cols[col::RATE], rate_action),
        matches::do_user(&env, &cols[col::USER]),
        matches::do_test(&layout, &cols[col::MARK]),
        matches::do_connlimit(&env, &cols[col::CONNLIMIT]),
        matches::do_time(&env, &cols[col::TIME]),
        matches::do_headers(&env, &cols[col::HEADERS]),
    ]);
    checks.push(matches::do_condition(
        &env,
        &cols[col::SWITCH],
        args.chain,
        &mut switches,
    ));
    let aux_section = matches!(
        p.section,
        Section::Established | Section::Related | Section::Invalid | Section::Untracked
    );
    if aux_section
        && args.actiontype & (flags::NATRULE | flags::NONAT) == 0
        && cols[col::HELPER] != "-"
    {
        checks.push(matches::validate_helper(&env, &cols[col::HELPER], None));
    }
    checks.push(raw_proto_conflict(&env, &cols[col::PROTO], &p.raw));
    p.switches = switches;
    let mut failed = false;
    for check in checks {
        if let Err(problem) = check {
            p.report(place, problem, Severity::Error);
            failed = true;
        }
    }
    if failed {
        return Err(Stop);
    }
    // Sections.
    if !matches!(p.section, Section::New | Section::Blacklist)
        && !args.in_action
        && args.basic != "dropInvalid"
    {
        let fastaccept = p.ctx.model.settings.is_yes("FASTACCEPT");
        if fastaccept {
            let related_ok = p.section == Section::Related
                && (p.ctx.model.settings.get("RELATED_DISPOSITION") != "ACCEPT"
                    || !p.ctx.model.settings.get("RELATED_LOG_LEVEL").is_empty());
            let allowed = matches!(
                p.section,
                Section::Untracked | Section::Invalid | Section::All
            ) || related_ok;
            if !allowed {
                return Err(p.fail(
                    place,
                    Problem::new(
                        col::ACTION,
                        "fastaccept-established",
                        format!(
                            "Entries in the {} SECTION of the rules file not permitted with FASTACCEPT=Yes",
                            p.section.name()
                        ),
                    ),
                ));
            }
        }
        if args.actiontype & (flags::NATRULE | flags::NONAT) != 0 {
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "action-not-allowed-in-section",
                    format!(
                        "{} rules are not allowed in the {} SECTION",
                        args.basic,
                        p.section.name()
                    ),
                ),
            ));
        }
    }
    if args.in_action && args.actiontype & flags::HELPER != 0 {
        p.helper_actions.insert(args.chain.to_owned());
    }
    let hosts = Hosts {
        env: &p.env(),
        interfaces: &p.ctx.model.interfaces,
        interfaces_known: p.interfaces_known,
    };
    let env = p.env();
    let mut dest = args.dest.to_owned();
    let mut origdest = args.origdest.to_owned();
    let mut result: Check = Ok(());
    // HELPER and NAT.
    if args.actiontype & flags::HELPER != 0 && cols[col::HELPER] != "-" {
        result = matches::validate_helper(&env, &cols[col::HELPER], Some(&cols[col::PROTO]));
    }
    if result.is_ok() && args.actiontype & flags::NATRULE != 0 {
        result = env
            .require(
                col::ACTION,
                "NAT_ENABLED",
                &format!("{} rules", args.basic),
                "",
            )
            .and_then(|()| {
                bodies::handle_nat_rule(
                    &hosts,
                    &dest,
                    &cols[col::PROTO],
                    &cols[col::DPORT],
                    &origdest,
                    args.bt,
                    args.actiontype,
                    args.in_action,
                )
            })
            .and_then(|nat| {
                // The nat table's rule: its DEST is the original destination.
                let nat_restriction = if args.restriction & restrict::OUTPUT != 0 {
                    restrict::OUTPUT
                } else {
                    restrict::PREROUTE
                };
                let nat_dest = if origdest.is_empty() || origdest == "-" || origdest == "detect" {
                    String::new()
                } else {
                    origdest.clone()
                };
                hosts::expand_rule(&hosts, nat_restriction, args.source, &nat_dest, "")?;
                // `DNAT(x)` is not `DNAT` to `handle_nat_rule`: no target, so nothing to log to.
                let level = args.loglevel.split(':').next().unwrap_or("");
                if args.nat_param && !level.is_empty() && level != "none" {
                    return Err(Problem::new(
                        col::ACTION,
                        "unknown-action",
                        "Unknown rule target ()",
                    ));
                }
                if args.actiontype & flags::NATONLY == 0 {
                    dest = nat.server;
                    if origdest.contains('+') {
                        origdest.clear();
                    }
                    // After NAT, the destination port is the server's.
                    if let Some(port) = nat.port {
                        matches::do_proto(&env, &cols[col::PROTO], &port, &cols[col::SPORT])?;
                    }
                }
                Ok(())
            });
    } else if result.is_ok() && args.actiontype & flags::NONAT != 0 {
        if dest.contains(':') {
            result = Err(Problem::new(
                col::DEST,
                "invalid-column",
                format!("Invalid DEST ({dest}) in {} rule", args.bt),
            ));
        } else {
            result = hosts::expand_rule(
                &hosts,
                restrict::PREROUTE,
                args.source,
                &dest,
                if origdest == "detect" { "" } else { &origdest },
            );
        }
    }
    if let Err(problem) = result {
        return Err(p.fail(place, problem));
    }
    if args.actiontype & flags::NATONLY != 0 {
        return Ok(true);
    }
    if !origdest.is_empty() && origdest != "-" && args.actiontype & flags::NATRULE == 0 {
        if let Err(problem) = env.require(
            col::ORIGDEST,
            "CONNTRACK_MATCH",
            "ORIGINAL DEST in a non-NAT rule",
            "s",
        ) {
            return Err(p.fail(place, problem));
        }
    }
    if args.actiontype & flags::AUDIT != 0 {
        if let Err(problem) = env.require(
            col::ACTION,
            "AUDIT_TARGET",
            &format!("{} rules", args.bt),
            "",
        ) {
            return Err(p.fail(place, problem));
        }
    }
    if origdest == "detect" {
        // Outside a NAT rule, `detect` is a host name, which does not resolve.
        return Err(p.fail(
            place,
            Problem::new(col::ORIGDEST, "invalid-address", "Unknown Host (detect)"),
        ));
    }
    let check = hosts::expand_rule(&hosts, args.restriction, args.source, &dest, &origdest);
    if let Err(problem) = check {
        return Err(p.fail(place, problem));
    }
    if !args.loglevel.is_empty() && !args.wildcard {
        log_prefix_warning(p, place, args.chain, args.bt, args.loglevel);
    }
    Ok(true)
}

/// `transform_rule`: the PROTO column's `-p` and a `-p` among the raw matches (`;;`) of the
/// records the rule comes from must agree.
fn raw_proto_conflict(env: &Env<'_>, proto: &str, raw: &[String]) -> Check {
    if proto == "-" || proto.is_empty() || raw.iter().all(|it| !it.contains("-p")) {
        return Ok(());
    }
    let bare = proto.trim_start_matches('!');
    let bare = bare.split(':').next().unwrap_or(bare);
    let Ok(Some(number)) = matches::resolve_proto(env, bare, col::PROTO) else {
        return Ok(());
    };
    let number = number.to_string();
    for text in raw {
        let mut words = text.split_whitespace();
        while let Some(word) = words.next() {
            if word == "-p" || word == "--protocol" {
                if let Some(value) = words.next() {
                    if value != number {
                        return Err(Problem::new(
                            col::ACTION,
                            "invalid-column",
                            "Multiple p settings in one rule is prohibited",
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// `log_rule_limit`'s warning when the prefix is longer than 29 characters.
fn log_prefix_warning(
    p: &mut Proc<'_, '_>,
    place: &Place,
    chain: &str,
    disposition: &str,
    loglevel: &str,
) {
    let mut parts = loglevel.splitn(2, ':');
    let level = parts.next().unwrap_or("");
    let tag = parts.next().unwrap_or("");
    if level.is_empty() || level.to_ascii_lowercase().starts_with("none") {
        return;
    }
    let upper = level.to_ascii_uppercase();
    if upper.starts_with("NFLOG") || upper.starts_with("ULOG") || upper.starts_with("LOGMARK") {
        return;
    }
    let disposition = if disposition == "CONTINUE" {
        "RETURN"
    } else {
        disposition
    };
    let format = p.ctx.model.settings.get("LOGFORMAT").to_owned();
    let prefix = if p.ctx.model.settings.is_yes("LOGTAGONLY") && !tag.is_empty() {
        format!("{tag} ")
    } else {
        let Some(mut prefix) = format_log_prefix(&format, chain, disposition) else {
            return;
        };
        if !tag.is_empty() {
            prefix.push_str(tag);
            prefix.push(' ');
        }
        prefix
    };
    if prefix.len() > 29 {
        let shortened: String = prefix.chars().take(28).collect();
        p.warn(
            place,
            Problem::new(
                col::ACTION,
                "log-prefix-truncated",
                format!("Log Prefix shortened to \"{shortened} \""),
            ),
        );
    }
}

/// The chain a pair of zones' rules go to (ZONE2ZONE).
pub(crate) fn zone_pair_chain(ctx: &Ctx<'_>, source: &str, dest: &str) -> String {
    let separator = ctx.model.settings.get("ZONE2ZONE");
    let separator = if separator == "2" { "2" } else { "-" };
    format!("{source}{separator}{dest}")
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

/// Whether a body file's diagnostics can be shown in it (it is in the configuration directory).
pub(crate) fn is_config_file(ctx: &Ctx<'_>, file: crate::model::FileId) -> bool {
    ctx.model
        .files
        .get(file)
        .is_some_and(|it| it.origin == Origin::Config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_targets() {
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
        assert_eq!(isolate_basic_target("SSH(ACCEPT):info"), "SSH");
        assert_eq!(isolate_basic_target("SSH/ACCEPT"), "SSH");
        assert_eq!(
            split_paren_list("net:(eth0,eth1)"),
            vec!["net:eth0,eth1".to_owned()]
        );
    }
}
