//! The policy file: the default for each pair of zones (`Rules.pm process_policies`).

use shorewall_syntax::FileKind;

use crate::model::{
    diagnostic::{Diagnostic, Site},
    log_level,
    reader::{self, Event, Line, ReadOptions},
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
    let events = reader::read(ctx, file, ReadOptions::default());
    for event in events {
        if let Event::Record(line) = event {
            policy_record(ctx, &line);
        }
    }
    if ctx.model.zones_checked {
        missing_pairs(ctx, file);
    }
}

fn policy_record(ctx: &mut Ctx<'_>, line: &Line) {
    let (sources, dests, policy) = (
        line.value(0).to_owned(),
        line.value(1).to_owned(),
        line.value(2).to_owned(),
    );
    for (value, what) in [(&sources, "SOURCE"), (&dests, "DEST"), (&policy, "POLICY")] {
        if value == "-" {
            ctx.diag(Diagnostic::error(
                "invalid-policy",
                line.site,
                format!("{what} must be specified"),
            ));
            return;
        }
    }
    if !(line.is_known(0) && line.is_known(1) && line.is_known(2)) {
        return;
    }
    let log_level = line.has(3).then(|| line.value(3).to_owned());
    if let Some(level) = &log_level {
        if line.is_known(3) && log_level::validate(level).is_none() {
            ctx.diag(Diagnostic::error(
                "invalid-log-level",
                line.site_of(3),
                format!("Invalid log level ({})", level.to_ascii_uppercase()),
            ));
        }
    }
    // The policy itself: `POLICY[:default-actions]`, `NFQUEUE(...)[:actions]`, `:audit`.
    let original = policy.clone();
    let without_audit = original.strip_suffix(":audit").unwrap_or(&original);
    let (name, defaults) = if let Some(rest) = without_audit.strip_prefix("NFQUEUE(") {
        match rest.split_once(')') {
            Some((queue, tail)) => (
                format!("NFQUEUE({queue})"),
                tail.strip_prefix(':').map(str::to_owned),
            ),
            None => (without_audit.to_owned(), None),
        }
    } else {
        match without_audit.split_once(':') {
            Some((name, defaults)) => (name.to_owned(), Some(defaults.to_owned())),
            None => (without_audit.to_owned(), None),
        }
    };
    let basic = name.split('(').next().unwrap_or("").to_owned();
    if !POLICIES.contains(&basic.as_str()) {
        ctx.diag(Diagnostic::error(
            "invalid-policy",
            line.site_of(2),
            format!("Invalid policy ({basic})"),
        ));
        return;
    }
    if let Some(defaults) = &defaults {
        if !defaults.eq_ignore_ascii_case("none") {
            for action in
                crate::model::catalog::split_outside_parens(defaults.trim_start_matches('+'))
            {
                let mut parts = action.splitn(3, ':');
                let act = parts.next().unwrap_or("");
                let level = parts.next();
                if parts.next().is_some() {
                    ctx.diag(Diagnostic::error(
                        "invalid-policy",
                        line.site_of(2),
                        format!("Invalid policy action ({action})"),
                    ));
                    continue;
                }
                let act_name = act.split('(').next().unwrap_or("");
                if ctx.model.catalog.action(act_name).is_none() {
                    ctx.diag(Diagnostic::error(
                        "unknown-action",
                        line.site_of(2),
                        format!("Unknown Policy Action ({act})"),
                    ));
                }
                if let Some(level) = level {
                    if log_level::validate(level).is_none() {
                        ctx.diag(Diagnostic::error(
                            "invalid-log-level",
                            line.site_of(2),
                            format!("Invalid log level ({})", level.to_ascii_uppercase()),
                        ));
                    }
                }
            }
        }
    }
    let rate = line.has(4).then(|| line.value(4).to_owned());
    let connlimit = line.has(5).then(|| line.value(5).to_owned());
    // Zone lists: `a,b` on either side; `all[+][!x,y]`.
    let intrazone_list = sources.ends_with('+') || dests.ends_with('+');
    let source_list: Vec<String> = if sources.contains(',') && !sources.starts_with("all") {
        sources
            .trim_end_matches('+')
            .split(',')
            .map(str::to_owned)
            .collect()
    } else {
        vec![sources.clone()]
    };
    let dest_list: Vec<String> = if dests.contains(',') && !dests.starts_with("all") {
        dests
            .trim_end_matches('+')
            .split(',')
            .map(str::to_owned)
            .collect()
    } else {
        vec![dests.clone()]
    };
    let is_list = source_list.len() > 1 || dest_list.len() > 1;
    for source in &source_list {
        for dest in &dest_list {
            if is_list && (source.starts_with("all") || dest.starts_with("all")) {
                ctx.diag(Diagnostic::error(
                    "invalid-policy",
                    line.site,
                    "'all' is not allowed in a zone list",
                ));
                return;
            }
            if is_list && source == dest && !intrazone_list {
                continue;
            }
            let source_ok = check_policy_zone(ctx, source, line.site_of(0));
            let dest_ok = check_policy_zone(ctx, dest, line.site_of(1));
            if !(source_ok && dest_ok) {
                continue;
            }
            let (source_name, source_intra) = wildcard(source);
            let (dest_name, dest_intra) = wildcard(dest);
            if basic == "NONE" {
                if source_name == "all" || dest_name == "all" {
                    ctx.diag(Diagnostic::error(
                        "invalid-policy",
                        line.site_of(2),
                        "NONE policy not allowed with \"all\"",
                    ));
                } else if [source_name.as_str(), dest_name.as_str()].iter().any(|it| {
                    ctx.model
                        .zone(it)
                        .is_some_and(|z| z.kind == ZoneType::Firewall)
                }) {
                    ctx.diag(Diagnostic::error(
                        "invalid-policy",
                        line.site_of(2),
                        "NONE policy not allowed to/from firewall zone",
                    ));
                }
            }
            if let Some(earlier) = ctx
                .model
                .policies
                .iter()
                .find(|it| it.source == source_name && it.dest == dest_name)
            {
                let message = format!(
                    "Policy \"{source_name} {dest_name} {original}\" duplicates earlier policy \"{} {} {}\"",
                    earlier.source, earlier.dest, earlier.policy
                );
                let earlier_site = earlier.site;
                ctx.diag(
                    Diagnostic::error("duplicate-policy", line.site, message)
                        .with_related(earlier_site, "the earlier policy"),
                );
                continue;
            }
            ctx.model.policies.push(Policy {
                source: source_name,
                dest: dest_name,
                source_text: source.clone(),
                dest_text: dest.clone(),
                audit: original.ends_with(":audit"),
                policy: name.clone(),
                default_actions: defaults.clone(),
                log_level: log_level.clone(),
                rate: rate.clone(),
                connlimit: connlimit.clone(),
                intrazone: source_intra || dest_intra || intrazone_list,
                site: line.site,
            });
        }
    }
}

/// `all`, `all+`, `all!a,b` → ("all", intrazone); a zone stays itself.
fn wildcard(text: &str) -> (String, bool) {
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("all") {
        let intra = rest.starts_with('+');
        return ("all".to_owned(), intra);
    }
    (text.to_owned(), false)
}

/// A policy zone must exist (or be `all[+][!zones]`). Returns whether it does.
fn check_policy_zone(ctx: &mut Ctx<'_>, text: &str, site: Site) -> bool {
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("all") {
        let rest = rest.strip_prefix('+').unwrap_or(rest);
        if rest.is_empty() {
            return true;
        }
        if let Some(excluded) = text.split_once('!').map(|it| it.1) {
            let mut ok = true;
            for zone in excluded.split(',') {
                ok &= check_zone_exists(ctx, zone, site);
            }
            return ok;
        }
    }
    check_zone_exists(ctx, text, site)
}

fn check_zone_exists(ctx: &mut Ctx<'_>, zone: &str, site: Site) -> bool {
    ctx.model.references.push(Reference {
        site,
        target: RefTarget::Zone(zone.to_owned()),
    });
    if !ctx.model.zones_checked || ctx.model.zone(zone).is_some() {
        return true;
    }
    ctx.diag(Diagnostic::error(
        "unknown-zone",
        site,
        format!("Undefined zone ({zone})"),
    ));
    false
}

/// Every pair of zones needs a policy (an `all` policy covers the rest).
fn missing_pairs(ctx: &mut Ctx<'_>, file: crate::model::FileId) {
    let zones: Vec<String> = ctx.model.zones.iter().map(|it| it.name.clone()).collect();
    let covered = |source: &str, dest: &str| {
        source == dest
            || ctx.model.policies.iter().any(|it| {
                (it.source == source || it.source == "all") && (it.dest == dest || it.dest == "all")
            })
    };
    let mut missing = Vec::new();
    for source in &zones {
        for dest in &zones {
            if !covered(source, dest) {
                missing.push((source.clone(), dest.clone()));
            }
        }
    }
    if let Some((source, dest)) = missing.first() {
        let more = if missing.len() > 1 {
            format!(" (and {} more pairs)", missing.len() - 1)
        } else {
            String::new()
        };
        ctx.diag(Diagnostic::error(
            "invalid-policy",
            ctx.eof_site(file),
            format!("No policy defined from zone {source} to zone {dest}{more}"),
        ));
    }
}
