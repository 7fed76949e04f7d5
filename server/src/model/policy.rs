//! The policy file: the default for each pair of zones, checked as `Rules.pm process_policies`
//! checks it (wildcards, zone lists, duplicates through the chain each pair uses, default
//! actions, log levels, limits, and a policy for every pair).

use std::collections::HashMap;

use shorewall_syntax::FileKind;

use crate::model::{
    diagnostic::{Diagnostic, Site},
    log_level,
    reader::{self, Event, Line, ReadOptions},
    rules::matches::{self, Env},
    zones::ZoneType,
    Ctx, RefTarget, Reference,
};

/// One policy entry (a line may make several, for zone lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub source: String,
    pub dest: String,
    /// The SOURCE and DEST as written (after expansion), e.g. `all!net`, for the zones a
    /// wildcard excludes.
    pub source_text: String,
    pub dest_text: String,
    /// The policy ends in `:audit`.
    pub audit: bool,
    /// `ACCEPT`, `DROP`, `REJECT`, `CONTINUE`, `QUEUE`, `NFQUEUE(...)`, `NONE`, `BLACKLIST`.
    pub policy: String,
    /// The default actions after `:`, as written (`None` when absent).
    pub default_actions: Option<String>,
    pub log_level: Option<String>,
    pub rate: Option<String>,
    pub connlimit: Option<String>,
    /// `all+` and friends: intra-zone traffic included.
    pub intrazone: bool,
    pub site: Site,
}

const POLICIES: &[&str] = &[
    "ACCEPT",
    "REJECT",
    "DROP",
    "CONTINUE",
    "BLACKLIST",
    "QUEUE",
    "NFQUEUE",
    "NONE",
];

/// A rules chain as far as policies go (`$filter_table->{$chain}`).
#[derive(Debug, Clone, Default)]
struct Chain {
    is_policy: bool,
    provisional: bool,
    /// The chain whose policy applies (`policychain`); empty when none yet.
    policychain: String,
    policy: String,
    policypair: (String, String),
}

/// The chains of the policy file's processing.
#[derive(Default)]
struct Chains {
    map: HashMap<String, Chain>,
    separator: &'static str,
    expand: bool,
}

impl Chains {
    fn name(&self, source: &str, dest: &str) -> String {
        format!("{source}{}{dest}", self.separator)
    }

    /// `new_policy_chain`.
    fn new_policy_chain(&mut self, source: &str, dest: &str, policy: &str, provisional: bool) {
        let name = self.name(source, dest);
        self.map.insert(
            name.clone(),
            Chain {
                is_policy: true,
                provisional,
                policychain: name,
                policy: policy.to_owned(),
                policypair: (source.to_owned(), dest.to_owned()),
            },
        );
    }

    /// `set_policy_chain`.
    fn set_policy_chain(&mut self, source: &str, dest: &str, policy: &str, intrazone: bool) {
        let name = self.name(source, dest);
        let expand = self.expand;
        let chain = self.map.entry(name.clone()).or_default();
        if intrazone && source == dest && chain.provisional {
            chain.policychain.clear();
            chain.provisional = false;
        }
        if chain.policychain.is_empty() {
            chain.policychain = name;
            if expand {
                chain.is_policy = true;
            }
            chain.policy = policy.to_owned();
            chain.policypair = (source.to_owned(), dest.to_owned());
        }
    }
}

pub(crate) fn read_policy(ctx: &mut Ctx<'_>) {
    let Some(file) = ctx.load_config_file("policy", FileKind::Policy) else {
        if ctx.model.zones_checked && !ctx.model.zones.is_empty() {
            if let Some(zones) = ctx.model.config_file("zones") {
                ctx.diag(Diagnostic::error(
                    "missing-file",
                    ctx.eof_site(zones),
                    "The 'policy' file does not exist or has zero size",
                ));
            }
        }
        return;
    };
    let mut chains = Chains {
        map: HashMap::new(),
        separator: if ctx.model.settings.get("ZONE2ZONE") == "2" {
            "2"
        } else {
            "-"
        },
        expand: ctx.model.settings.is_yes("EXPAND_POLICIES"),
    };
    let zones = ordered_zones(ctx);
    let fw = ctx.model.firewall_zone.clone().unwrap_or_default();
    for zone in &zones {
        chains.new_policy_chain(zone, zone, "ACCEPT", true);
        let kind = ctx.model.zone(zone).map(|it| it.kind);
        if kind == Some(ZoneType::Bport) {
            chains.new_policy_chain(&fw, zone, "NONE", true);
        }
        if matches!(kind, Some(ZoneType::Local | ZoneType::Loopback)) {
            for other in off_firewall_zones(ctx) {
                let other_kind = ctx.model.zone(&other).map(|it| it.kind);
                if other == *zone
                    || (kind == Some(ZoneType::Loopback) && other_kind == Some(ZoneType::Loopback))
                {
                    continue;
                }
                chains.set_policy_chain(zone, &other, "NONE", false);
                chains.set_policy_chain(&other, zone, "NONE", false);
            }
        }
        let nested = ctx
            .model
            .zone(zone)
            .is_some_and(|it| !it.parents.is_empty() || it.kind == ZoneType::Vserver);
        if ctx.model.settings.is_yes("IMPLICIT_CONTINUE") && nested {
            for other in &zones {
                if other == zone {
                    continue;
                }
                for (a, b) in [(zone, other), (other, zone)] {
                    let name = chains.name(a, b);
                    match chains.map.get_mut(&name) {
                        Some(chain) if chain.is_policy => {}
                        Some(chain) => {
                            chain.is_policy = true;
                            chain.provisional = true;
                            chain.policy = "CONTINUE".to_owned();
                            chain.policychain = name.clone();
                            chain.policypair = (a.clone(), b.clone());
                        }
                        None => chains.new_policy_chain(a, b, "CONTINUE", true),
                    }
                }
            }
        }
    }
    let events = reader::read(ctx, file, ReadOptions::default());
    let errors_before = policy_errors(ctx, file);
    for event in events {
        if let Event::Record(line) = event {
            policy_record(ctx, &mut chains, &zones, &line);
        }
    }
    // A policy with an error covers no pairs: the pairs it would cover are not missing.
    let failed = policy_errors(ctx, file) > errors_before;
    ctx.policy_matrix = zones
        .iter()
        .flat_map(|source| zones.iter().map(move |dest| (source, dest)))
        .filter_map(|(source, dest)| {
            let chain = chains.map.get(&chains.name(source, dest))?;
            Some(((source.clone(), dest.clone()), chain.policy.clone()))
        })
        .collect();
    if ctx.model.zones_checked && !failed {
        for source in &zones {
            for dest in &zones {
                let has = chains
                    .map
                    .get(&chains.name(source, dest))
                    .is_some_and(|it| !it.policy.is_empty());
                if !has {
                    ctx.diag(Diagnostic::error(
                        "invalid-policy",
                        ctx.eof_site(file),
                        format!("No policy defined from zone {source} to zone {dest}"),
                    ));
                    return;
                }
            }
        }
    }
}

fn policy_errors(ctx: &Ctx<'_>, file: crate::model::FileId) -> usize {
    ctx.model
        .diagnostics
        .iter()
        .filter(|it| it.site.file == file && it.severity == crate::model::Severity::Error)
        .count()
}

/// The zones in Shorewall's order: sub-zones before their parents (`determine_zones`).
fn ordered_zones(ctx: &Ctx<'_>) -> Vec<String> {
    let zones = &ctx.model.zones;
    let mut res: Vec<String> = Vec::new();
    'pushed: loop {
        for zone in zones {
            if res.contains(&zone.name) {
                continue;
            }
            let children_done = zones
                .iter()
                .filter(|it| it.parents.contains(&zone.name))
                .all(|it| res.contains(&it.name));
            if children_done {
                res.push(zone.name.clone());
                continue 'pushed;
            }
        }
        break;
    }
    res
}

fn off_firewall_zones(ctx: &Ctx<'_>) -> Vec<String> {
    ordered_zones(ctx)
        .into_iter()
        .filter(|it| {
            !ctx.model
                .zone(it)
                .is_some_and(|z| matches!(z.kind, ZoneType::Firewall | ZoneType::Vserver))
        })
        .collect()
}

/// `process_a_policy`.
fn policy_record(ctx: &mut Ctx<'_>, chains: &mut Chains, zones: &[String], line: &Line) {
    let (mut clients, mut servers, policy) = (
        line.value(0).to_owned(),
        line.value(1).to_owned(),
        line.value(2).to_owned(),
    );
    if !(line.is_known(0) && line.is_known(1) && line.is_known(2)) {
        return;
    }
    let mut intrazone = false;
    let mut clientlist = false;
    let mut serverlist = false;
    if let Some(rest) = clients.strip_prefix("all") {
        if rest.starts_with('!') || rest.starts_with("+!") {
            intrazone = rest.starts_with('+');
        }
    }
    if !(clients.starts_with("all!") || clients.starts_with("all+!")) && clients.contains(',') {
        clientlist = true;
        if let Some(stripped) = clients.strip_suffix('+') {
            intrazone = true;
            clients = stripped.to_owned();
        }
    }
    if servers.starts_with("all!") || servers.starts_with("all+!") {
        intrazone = servers.starts_with("all+");
    } else if servers.contains(',') {
        serverlist = true;
        if let Some(stripped) = servers.strip_suffix('+') {
            intrazone = true;
            servers = stripped.to_owned();
        }
    }
    for (value, what, idx) in [
        (&clients, "SOURCE", 0),
        (&servers, "DEST", 1),
        (&policy, "POLICY", 2),
    ] {
        if value == "-" {
            ctx.diag(Diagnostic::error(
                "invalid-policy",
                line.site_of(idx),
                format!("{what} must be specified"),
            ));
            return;
        }
    }
    let entry = PolicyLine {
        line,
        loglevel: line.has(3).then(|| line.value(3).to_owned()),
        rate: line.has(4).then(|| line.value(4).to_owned()),
        connlimit: line.has(5).then(|| line.value(5).to_owned()),
    };
    if clientlist || serverlist {
        for client in clients.split(',') {
            if clientlist && is_all_word(client) {
                ctx.diag(Diagnostic::error(
                    "invalid-policy",
                    line.site_of(0),
                    "'all' is not allowed in a source zone list",
                ));
                return;
            }
            for server in servers.split(',') {
                if serverlist && is_all_word(server) {
                    ctx.diag(Diagnostic::error(
                        "invalid-policy",
                        line.site_of(1),
                        "'all' is not allowed in a destination zone list",
                    ));
                    return;
                }
                if (intrazone || client != server)
                    && !process_a_policy1(
                        ctx, chains, zones, &entry, client, server, &policy, intrazone,
                    )
                {
                    return;
                }
            }
        }
    } else {
        process_a_policy1(
            ctx, chains, zones, &entry, &clients, &servers, &policy, intrazone,
        );
    }
}

/// `/^all\b/`.
fn is_all_word(text: &str) -> bool {
    text.strip_prefix("all")
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

struct PolicyLine<'a> {
    line: &'a Line,
    loglevel: Option<String>,
    rate: Option<String>,
    connlimit: Option<String>,
}

/// `all[+][!zones]` (case-insensitive): `(intrazone, exclusions)`.
fn wildcard(text: &str, anchored: bool) -> Option<(bool, Option<String>)> {
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("all")?;
    let (plus, rest) = match rest.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    if rest.is_empty() {
        return Some((plus, None));
    }
    if let Some(excluded) = rest.strip_prefix('!') {
        if !excluded.is_empty() {
            let offset = text.len() - excluded.len();
            return Some((plus, Some(text[offset..].to_owned())));
        }
    }
    // The DEST pattern has no `$`: `all` followed by anything still matches.
    (!anchored).then_some((plus, None))
}

/// `process_a_policy1`; false when the line had an error.
#[allow(clippy::too_many_arguments)]
fn process_a_policy1(
    ctx: &mut Ctx<'_>,
    chains: &mut Chains,
    zones: &[String],
    entry: &PolicyLine<'_>,
    client: &str,
    server: &str,
    original: &str,
    intrazone: bool,
) -> bool {
    let line = entry.line;
    let error = |ctx: &mut Ctx<'_>, idx: usize, code: &'static str, message: String| {
        ctx.diag(Diagnostic::error(code, line.site_of(idx), message));
        false
    };
    let mut intrazone = intrazone;
    let (source_text, dest_text) = (client.to_owned(), server.to_owned());
    let mut client = client.to_owned();
    let mut server = server.to_owned();
    let mut client_excluded: Vec<String> = Vec::new();
    let client_wild = wildcard(&client, true);
    if let Some((plus, excluded)) = &client_wild {
        intrazone |= plus;
        if let Some(excluded) = excluded {
            for zone in excluded.split(',') {
                if !zone_defined(ctx, zone) {
                    return error(ctx, 0, "unknown-zone", format!("Undefined zone ({zone})"));
                }
                reference(ctx, line.site_of(0), zone);
                client_excluded.push(zone.to_owned());
            }
            client = "all".to_owned();
        }
    } else if !zone_defined(ctx, &client) {
        return error(ctx, 0, "unknown-zone", format!("Undefined zone ({client})"));
    } else {
        reference(ctx, line.site_of(0), &client);
    }
    let mut server_excluded: Vec<String> = Vec::new();
    let server_wild = wildcard(&server, false);
    if let Some((plus, excluded)) = &server_wild {
        intrazone |= plus;
        if let Some(excluded) = excluded {
            for zone in excluded.split(',') {
                if !zone_defined(ctx, zone) {
                    return error(ctx, 1, "unknown-zone", format!("Undefined zone ({zone})"));
                }
                reference(ctx, line.site_of(1), zone);
                server_excluded.push(zone.to_owned());
            }
            server = "all".to_owned();
        }
    } else if !zone_defined(ctx, &server) {
        return error(ctx, 1, "unknown-zone", format!("Undefined zone ({server})"));
    } else {
        reference(ctx, line.site_of(1), &server);
    }
    let mut original = original.to_owned();
    let audit = match original.strip_suffix(":audit") {
        Some(stripped) => {
            original = stripped.to_owned();
            true
        }
        None => false,
    };
    if audit && !ctx.model.capabilities.has("AUDIT_TARGET") {
        return error(
            ctx,
            2,
            "missing-capability",
            ":audit requires AUDIT Target in your kernel and iptables".to_owned(),
        );
    }
    // `NFQUEUE(...)[:actions]` or `POLICY[:actions]`.
    let (policy, pactions) = match original.strip_prefix("NFQUEUE(").and_then(|rest| {
        let close = rest.find(')')?;
        let tail = &rest[close + 1..];
        Some((
            format!("NFQUEUE({})", &rest[..close]),
            tail.strip_prefix(':').unwrap_or(tail).to_owned(),
        ))
    }) {
        Some((policy, actions)) => (policy, Some(actions).filter(|it| !it.is_empty())),
        None => match original.split_once(':') {
            Some((policy, actions)) => (policy.to_owned(), Some(actions.to_owned())),
            None => (original.clone(), None),
        },
    };
    if policy.is_empty() {
        return error(
            ctx,
            2,
            "invalid-policy",
            format!("Invalid or missing POLICY ({original})"),
        );
    }
    let (name, queue) = match policy.strip_suffix(')').and_then(|it| it.split_once('(')) {
        Some((name, queue)) => (name.to_owned(), Some(queue.to_owned())),
        None => (policy.clone(), None),
    };
    if !POLICIES.contains(&name.as_str()) {
        return error(ctx, 2, "invalid-policy", format!("Invalid policy ({name})"));
    }
    if audit && !matches!(name.as_str(), "ACCEPT" | "DROP" | "REJECT") {
        return error(
            ctx,
            2,
            "invalid-policy",
            format!("A {name} policy may not be audited"),
        );
    }
    if let Some(pactions) = &pactions {
        if !policy_actions(ctx, line, pactions) {
            return false;
        }
    }
    let helpers = HashMap::new();
    let env = Env {
        family: ctx.model.family,
        caps: &ctx.model.capabilities,
        names: &ctx.model.names,
        helpers_enabled: &helpers,
    };
    if let Some(queue) = &queue {
        if let Err(problem) = matches::handle_nfqueue(&env, queue) {
            return error(ctx, 2, "invalid-policy", problem.message);
        }
    } else if name == "NONE" {
        if client_wild.is_some() || server_wild.is_some() {
            return error(
                ctx,
                2,
                "invalid-policy",
                "NONE policy not allowed with \"all\"".to_owned(),
            );
        }
        let firewall = |zone: &str| {
            ctx.model
                .zone(zone)
                .is_some_and(|it| it.kind == ZoneType::Firewall)
        };
        if firewall(&client) || firewall(&server) {
            return error(
                ctx,
                2,
                "invalid-policy",
                "NONE policy not allowed to/from firewall zone".to_owned(),
            );
        }
    } else if name == "BLACKLIST"
        && !ctx
            .model
            .settings
            .get("DYNAMIC_BLACKLIST")
            .starts_with("ipset")
    {
        return error(
            ctx,
            2,
            "invalid-policy",
            "BLACKLIST policies require ipset-based dynamic blacklisting".to_owned(),
        );
    }
    if client_wild.is_none()
        && server_wild.is_none()
        && ctx.model.zone(&server).map(|it| it.kind) == Some(ZoneType::Bport)
        && !crate::model::zones::bridge_reaches(&ctx.model, &client, &server)
    {
        return error(
            ctx,
            1,
            "invalid-policy",
            "Invalid policy - DEST zone is a Bridge Port zone but the SOURCE zone is not associated with the same bridge".to_owned(),
        );
    }
    let chain_name = chains.name(&client, &server);
    let duplicate = match chains.map.get_mut(&chain_name) {
        Some(chain) if chain.is_policy => {
            if chain.provisional {
                chain.provisional = false;
                chain.policy = policy.clone();
                None
            } else {
                Some(chain.clone())
            }
        }
        Some(chain) if !chain.policy.is_empty() => Some(chain.clone()),
        Some(chain) => {
            chain.is_policy = true;
            chain.provisional = false;
            chain.policy = policy.clone();
            chain.policychain = chain_name.clone();
            chain.policypair = (client.clone(), server.clone());
            None
        }
        None => {
            chains.new_policy_chain(&client, &server, &policy, false);
            None
        }
    };
    if let Some(earlier) = duplicate {
        let message = format!(
            "Policy \"{client} {server} {original}\" duplicates earlier policy \"{} {} {}\"",
            earlier.policypair.0, earlier.policypair.1, earlier.policy
        );
        let earlier_site = ctx
            .model
            .policies
            .iter()
            .find(|it| it.source == earlier.policypair.0 && it.dest == earlier.policypair.1)
            .map(|it| it.site);
        let mut diagnostic = Diagnostic::error("duplicate-policy", line.site, message);
        if let Some(site) = earlier_site {
            diagnostic = diagnostic.with_related(site, "the earlier policy");
        }
        ctx.diag(diagnostic);
        return false;
    }
    if let Some(level) = &entry.loglevel {
        if let Err(message) =
            log_level::check(level, Some(&ctx.model.capabilities), ctx.model.family)
        {
            return error(ctx, 3, "invalid-log-level", message);
        }
    }
    if let Some(connlimit) = &entry.connlimit {
        if connlimit.starts_with('!') {
            return error(
                ctx,
                5,
                "invalid-column",
                format!("Invalid CONNLIMIT ({connlimit})"),
            );
        }
    }
    if let Some(rate) = &entry.rate {
        if let Err(problem) = matches::do_ratelimit(&env, rate, "ACCEPT") {
            return error(ctx, 4, problem.code, problem.message);
        }
    }
    if let Some(connlimit) = &entry.connlimit {
        if let Err(problem) = matches::do_connlimit(&env, connlimit) {
            return error(ctx, 5, problem.code, problem.message);
        }
    }
    // The pairs a wildcard covers.
    let mut zonelist: Vec<String> = zones.to_vec();
    if !chains.expand {
        zonelist.push("all".to_owned());
    }
    let pairs: Vec<(String, String)> = match (client_wild.is_some(), server_wild.is_some()) {
        (true, true) => zonelist
            .iter()
            .filter(|it| !client_excluded.contains(it))
            .flat_map(|a| zonelist.iter().map(move |b| (a.clone(), b.clone())))
            .collect(),
        (true, false) => zones
            .iter()
            .filter(|it| !client_excluded.contains(it))
            .map(|a| (a.clone(), server.clone()))
            .collect(),
        (false, true) => zonelist
            .iter()
            .filter(|it| !server_excluded.contains(it))
            .map(|b| (client.clone(), b.clone()))
            .collect(),
        (false, false) => Vec::new(),
    };
    for (a, b) in pairs {
        chains.set_policy_chain(&a, &b, &policy, intrazone);
    }
    ctx.model.policies.push(Policy {
        source: if client_wild.is_some() {
            "all".to_owned()
        } else {
            client.clone()
        },
        dest: if server_wild.is_some() {
            "all".to_owned()
        } else {
            server.clone()
        },
        source_text,
        dest_text,
        audit,
        policy,
        default_actions: pactions,
        log_level: entry.loglevel.clone(),
        rate: entry.rate.clone(),
        connlimit: entry.connlimit.clone(),
        intrazone,
        site: line.site,
    });
    true
}

fn zone_defined(ctx: &Ctx<'_>, zone: &str) -> bool {
    !ctx.model.zones_checked || ctx.model.zone(zone).is_some()
}

fn reference(ctx: &mut Ctx<'_>, site: Site, zone: &str) {
    ctx.model.references.push(Reference {
        site,
        target: RefTarget::Zone(zone.to_owned()),
    });
}

/// `process_policy_actions`: the default actions after `POLICY:`.
fn policy_actions(ctx: &mut Ctx<'_>, line: &Line, pactions: &str) -> bool {
    if pactions.eq_ignore_ascii_case("none") {
        return true;
    }
    let list = pactions.strip_prefix('+').unwrap_or(pactions);
    for paction in matches::split_list3(list) {
        let mut parts = paction.splitn(3, ':');
        let action = parts.next().unwrap_or("");
        let level = parts.next();
        if parts.next().is_some() {
            ctx.diag(Diagnostic::error(
                "invalid-policy",
                line.site_of(2),
                format!("Invalid policy action ({paction})"),
            ));
            return false;
        }
        if let Some(level) = level.filter(|it| !it.is_empty()) {
            if let Err(message) =
                log_level::check(level, Some(&ctx.model.capabilities), ctx.model.family)
            {
                ctx.diag(Diagnostic::error(
                    "invalid-log-level",
                    line.site_of(2),
                    message,
                ));
                return false;
            }
        }
        let name = action.split('(').next().unwrap_or("");
        let known = ctx
            .model
            .catalog
            .action(name)
            .is_some_and(|it| !it.has_option("builtin"));
        if !known {
            ctx.diag(Diagnostic::error(
                "unknown-action",
                line.site_of(2),
                format!("Unknown Policy Action ({action})"),
            ));
            return false;
        }
        ctx.model.references.push(Reference {
            site: line.site_of(2),
            target: RefTarget::Action(name.to_owned()),
        });
    }
    true
}
