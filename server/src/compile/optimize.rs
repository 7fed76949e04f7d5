//! Shorewall 5.2.8's optimizer (`OPTIMIZE` in shorewall6.conf), run on the chain table.
//!
//! - Level 0 (always): delete chains nothing jumps to ([`optimize_level0`]).
//! - Level 4: delete empty chains, inline chains of one rule, drop rules that repeat the
//!   chain's final jump, append short chains to the chains that end by jumping to them
//!   ([`optimize_level4`]).
//! - Level 8: merge chains with identical rules, renaming the survivor `~combN`
//!   ([`optimize_level8`]).
//! - Level 16: delete duplicate rules, combine destination ports of adjacent rules into
//!   multiport lists and adjacent conntrack states ([`optimize_level16`]).
//! - Level 2 (after the others): drop ACCEPT rules that end an ACCEPT-policy chain
//!   ([`optimize_chain`]).
//!
//! Level 1 acts while rules are generated (rules that repeat the policy are not generated)
//! and lives with the rule lowering.
//!
//! Several steps walk Perl hashes without sorting them; [`super::perl_hash`] reproduces
//! that order.

use std::collections::{BTreeMap, BTreeSet};

use super::chains::{ChainTable, TableId, DONT_DELETE, DONT_MOVE, DONT_OPTIMIZE, RETURNS};
use super::ir::{key_kind, static_key, Form, Jump, KeyKind, Match, Mode, Rule, UNIQUE_OPTIONS};
use super::perl_hash::PerlHashOrder;

/// A value of a Perl rule hash: a scalar or an array of values (repeated matches).
#[derive(Debug, Clone, PartialEq, Eq)]
enum PerlValue<'a> {
    Scalar(&'a str),
    List(Vec<&'a str>),
}

/// The rule as Shorewall's hash would hold it, without `origin`, `comment` and `digest`.
fn perl_fields(rule: &Rule) -> BTreeMap<&str, PerlValue<'_>> {
    let mut fields = BTreeMap::new();
    let mut keys: Vec<&str> = rule.matches.iter().map(|it| &*it.key).collect();
    if rule.form == Form::Text && rule.jump.is_some() {
        let at = rule.targetopts_at.map_or(keys.len(), usize::from);
        keys.insert(at.min(keys.len()), "targetopts");
    }
    fields.insert("matches", PerlValue::List(keys));
    fields.insert("mode", PerlValue::Scalar("1"));
    fields.insert("cmdlevel", PerlValue::Scalar("0"));
    fields.insert("target", PerlValue::Scalar(&rule.target));
    if let Some(jump) = rule.jump {
        fields.insert(
            "jump",
            PerlValue::Scalar(if jump == Jump::Goto { "g" } else { "j" }),
        );
    }
    let options = rule.target_options.as_deref().unwrap_or_default();
    let has_targetopts = match rule.form {
        Form::Text => rule.jump.is_some() && !(rule.normalized && options.is_empty()),
        Form::Irule => !options.is_empty(),
    };
    if has_targetopts {
        fields.insert("targetopts", PerlValue::Scalar(options));
    }
    fields.insert("simple", PerlValue::Scalar(rule.perl_simple()));
    if rule.complex {
        fields.insert("complex", PerlValue::Scalar("1"));
    }
    if rule.dhcp {
        fields.insert("dhcp", PerlValue::Scalar("1"));
    }
    for (index, m) in rule.matches.iter().enumerate() {
        let key = &*m.key;
        if rule.matches[..index].iter().any(|it| it.key == key) {
            continue;
        }
        let repeated = rule.matches[index + 1..].iter().any(|it| it.key == key);
        let value = if repeated {
            PerlValue::List(
                rule.matches[index..]
                    .iter()
                    .filter(|it| it.key == key)
                    .map(|it| it.value.as_str())
                    .collect(),
            )
        } else {
            PerlValue::Scalar(m.value.as_str())
        };
        fields.insert(key, value);
    }
    fields
}

/// `irule_to_string1`: the rule without its comment, as a comparable string.
fn rule_string(rule: &Rule, with_comment: bool) -> String {
    let mut text = String::with_capacity(128);
    write_rule_string(rule, with_comment, &mut text);
    text
}

/// [`rule_string`] appended to `text`.
fn write_rule_string(rule: &Rule, with_comment: bool, text: &mut String) {
    if let Mode::Shell {
        command: Some(command),
        ..
    } = &rule.mode
    {
        text.push_str(command);
        return;
    }
    for (index, m) in rule.matches.iter().enumerate() {
        text.push_str(&m.key);
        text.push('=');
        let key = &*m.key;
        let repeated = rule
            .matches
            .iter()
            .enumerate()
            .any(|(other, it)| other != index && it.key == key);
        if repeated {
            let mut first = true;
            for other in rule.matches.iter().filter(|it| it.key == key) {
                if !first {
                    text.push(',');
                }
                first = false;
                text.push_str(&other.value);
            }
        } else {
            text.push_str(&m.value);
        }
        text.push(' ');
    }
    if let (Some(jump), false) = (rule.jump, rule.target.is_empty()) {
        text.push_str(if jump == Jump::Goto { " -g " } else { " -j " });
        text.push_str(&rule.target);
        if let Some(options) = rule.target_options.as_deref().filter(|it| !it.is_empty()) {
            text.push(' ');
            text.push_str(options);
        }
    }
    if with_comment {
        if let Some(comment) = rule.comment.as_deref().filter(|it| !it.is_empty()) {
            text.push_str(" -m comment --comment \"");
            text.push_str(comment);
            text.push('"');
        }
    }
}

/// `calculate_digest`: the chain's rules as one comparable string.
fn chain_digest(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(|it| rule_string(it, true))
        .collect::<Vec<_>>()
        .join(" |")
}

/// Level 0: deletes every chain that nothing references, unless it must be kept.
pub fn optimize_level0(chains: &mut ChainTable) {
    for table in [TableId::Raw, TableId::Mangle, TableId::Nat, TableId::Filter] {
        let mut progress = true;
        while progress {
            progress = false;
            let names: Vec<String> = chains
                .names_in_hash_order(table)
                .into_iter()
                .filter(|it| chains.chain(table, it).referenced)
                .collect();
            for name in names {
                let chain = chains.chain(table, &name);
                if chain.optflags & DONT_DELETE == 0
                    && chain.references.is_empty()
                    && chain.referenced
                {
                    chains.delete_chain_and_references(table, &name);
                    progress = true;
                }
            }
        }
    }
}

/// `delete_references`: removes the jumps to an empty chain.
fn delete_references(chains: &mut ChainTable, table: TableId, to: &str) {
    let referrers: Vec<(String, u32)> = chains
        .chain(table, to)
        .references
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    for (from, count) in referrers {
        if chains.chain(table, &from).referenced {
            if let Some(chain) = chains.get_mut(table, &from) {
                let mut left = count;
                let mut i = 0;
                while i < chain.rules.len() {
                    if chain.rules[i].target == to {
                        chain.rules.remove(i);
                        left = left.saturating_sub(1);
                        if left == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
        }
        if let Some(chain) = chains.get_mut(table, to) {
            chain.references.remove(&from);
        }
    }
    if let Some(chain) = chains.get_mut(table, to) {
        if chain.rules.is_empty() {
            chain.referenced = false;
        }
    }
}

/// `replace_references`: every jump to `name` now goes to `target` (with `options`).
#[allow(clippy::too_many_arguments)]
fn replace_references(
    chains: &mut ChainTable,
    table: TableId,
    name: &str,
    target: &str,
    options: Option<&str>,
    comment: Option<&str>,
    origin: Option<&str>,
    digest: bool,
) {
    let target_is_chain = chains.exists(table, target);
    let referrers: Vec<String> = chains
        .chain(table, name)
        .references
        .keys()
        .cloned()
        .collect();
    for from in referrers {
        if !chains.chain(table, &from).referenced {
            continue;
        }
        let mut added = 0;
        if let Some(chain) = chains.get_mut(table, &from) {
            for rule in &mut chain.rules {
                if rule.target == name {
                    rule.target = target.to_owned();
                    if let Some(options) = options.filter(|it| !it.is_empty()) {
                        rule.target_options = Some(options.to_owned());
                    }
                    if rule.comment.as_deref().unwrap_or("").is_empty() {
                        rule.comment = comment.filter(|it| !it.is_empty()).map(str::to_owned);
                    }
                    if let Some(origin) = origin.filter(|it| !it.is_empty()) {
                        rule.origin = Some(origin.to_owned());
                    }
                    if target_is_chain {
                        added += 1;
                    } else {
                        rule.jump = Some(Jump::Jump);
                    }
                }
            }
            if digest {
                chain.digest = Some(chain_digest(&chain.rules));
            }
        }
        for _ in 0..added {
            chains.add_reference(table, &from, target);
        }
        if let Some(chain) = chains.get_mut(table, name) {
            chain.references.remove(&from);
        }
    }
    if let Some(chain) = chains.get_mut(table, target) {
        chain.references.remove(name);
    }
    chains.delete_chain(table, name);
}

/// `compatible`: whether `second` can be merged into `first`.
fn compatible(first: &Rule, second: &Rule) -> bool {
    for key in UNIQUE_OPTIONS {
        if let (Some(v1), Some(v2)) = (first.get(key), second.get(key)) {
            if v1 != v2 {
                let w1: Vec<&str> = v1.split_whitespace().collect();
                let w2: Vec<&str> = v2.split_whitespace().collect();
                if w1.len() > w2.len() || w1.iter().zip(&w2).any(|(a, b)| a != b) {
                    return false;
                }
            }
        }
    }
    let policies = matches!((first.get("policy"), second.get("policy")), (Some(p1), Some(p2)) if !p1.is_empty() && !p2.is_empty() && p1 != p2);
    let multiport = (first.has("multiport")
        && (second.has("dport") || second.has("sport") || second.has("multiport")))
        || (second.has("multiport") && (first.has("dport") || first.has("sport")));
    !(policies || multiport)
}

/// The keys of a rule hash in Perl's iteration order, approximating the order Shorewall
/// inserted them.
fn perl_rule_keys(rule: &Rule) -> Vec<String> {
    let mut inserted: Vec<String> = Vec::new();
    let push = |inserted: &mut Vec<String>, key: &str| {
        if !inserted.iter().any(|it| it == key) {
            inserted.push(key.to_owned());
        }
    };
    match rule.form {
        Form::Text => {
            for key in ["mode", "matches", "target", "origin"] {
                push(&mut inserted, key);
            }
            for m in &rule.matches {
                push(&mut inserted, &m.key);
            }
            if rule.jump.is_some() {
                push(&mut inserted, "jump");
                push(&mut inserted, "targetopts");
            }
            for key in ["simple", "comment", "cmdlevel"] {
                push(&mut inserted, key);
            }
        }
        Form::Irule => {
            for key in ["matches", "origin", "mode", "cmdlevel"] {
                push(&mut inserted, key);
            }
            if rule.jump.is_some() {
                push(&mut inserted, "jump");
            }
            push(&mut inserted, "target");
            if rule
                .target_options
                .as_deref()
                .is_some_and(|it| !it.is_empty())
            {
                push(&mut inserted, "targetopts");
            }
            push(&mut inserted, "comment");
            push(&mut inserted, "simple");
            for m in &rule.matches {
                push(&mut inserted, &m.key);
            }
        }
    }
    if rule.complex {
        push(&mut inserted, "complex");
    }
    PerlHashOrder::from_keys(inserted.iter().map(String::as_str))
        .keys()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Adds option `key` with `value` to a rule being merged (`set_rule_option` on an irule).
fn merge_option(rule: &mut Rule, key: &str, value: &str) {
    match key_kind(key) {
        KeyKind::Exclusive => {
            if let Some(existing) = rule.matches.iter_mut().find(|it| it.key == key) {
                existing.value = format!("{},{value}", existing.value);
            } else {
                rule.matches.push(Match::new(static_key(key), value));
            }
        }
        KeyKind::Unique => {
            if !rule.has(key) {
                rule.matches.push(Match::new(static_key(key), value));
            }
        }
        _ => {
            let count = rule.matches.iter().filter(|it| it.key == key).count();
            if count == 1 && rule.get(key) == Some(value) {
                return;
            }
            if count > 0 {
                rule.complex = true;
            }
            rule.matches.push(Match::new(static_key(key), value));
        }
    }
    rule.simple = false;
}

/// `merge_rules`: folds `from` (the only rule of a chain) into `to` (a jump to that chain).
/// Returns whether the new target is a chain.
fn merge_rules(chains: &ChainTable, table: TableId, to: &mut Rule, from: &Rule) -> bool {
    // Shorewall pushes the merged keys after those of `to`, and so after its `targetopts`.
    if to.targetopts_at.is_none() {
        to.targetopts_at = u16::try_from(to.matches.len()).ok();
    }
    for key in UNIQUE_OPTIONS {
        if let Some(value) = from.get(key) {
            match to.matches.iter_mut().find(|it| it.key == key) {
                Some(existing) => existing.value = value.to_owned(),
                None => to.matches.push(Match::new(key, value)),
            }
            to.simple = false;
            to.merged = true;
        }
    }
    for key in perl_rule_keys(from) {
        let kind = key_kind(&key);
        let plain_match = matches!(kind, KeyKind::Match | KeyKind::Nfacct | KeyKind::Recent)
            && from.has(&key)
            && key != "policy";
        if plain_match {
            let values: Vec<String> = from.get_all(&key).map(str::to_owned).collect();
            for value in values {
                merge_option(to, &key, &value);
            }
        }
    }
    if !to.has("state") {
        if let Some(state) = from.get("state") {
            merge_option(to, "state", state);
        }
    }
    if !to.has("conntrack --ctstate") {
        if let Some(state) = from.get("conntrack --ctstate") {
            merge_option(to, "conntrack --ctstate", state);
        }
    }
    if let Some(policy) = from.get("policy") {
        merge_option(to, "policy", policy);
    }
    for key in perl_rule_keys(from) {
        if key_kind(&key) == KeyKind::Expensive && from.has(&key) {
            let values: Vec<String> = from.get_all(&key).map(str::to_owned).collect();
            for value in values {
                merge_option(to, &key, &value);
            }
        }
    }
    if to.comment.as_deref().unwrap_or("").is_empty() {
        if let Some(comment) = &from.comment {
            to.comment = Some(comment.clone());
        }
    }
    if let Some(origin) = from.origin.as_ref().filter(|it| !it.is_empty()) {
        to.origin = Some(origin.clone());
    }
    to.target = from.target.clone();
    if chains.exists(table, &from.target) {
        true
    } else {
        if let Some(options) = from.target_options.as_ref().filter(|it| !it.is_empty()) {
            to.target_options = Some(options.clone());
        }
        to.jump = Some(Jump::Jump);
        false
    }
}

/// `replace_references1`: jumps to chain `name`, whose only rule is `rule`, get the rule's
/// matches and target. Returns the number of rules changed.
fn replace_references1(chains: &mut ChainTable, table: TableId, name: &str, rule: &Rule) -> usize {
    let target = rule.target.clone();
    let mut delete = true;
    let mut count = 0;
    let referrers: Vec<String> = chains
        .chain(table, name)
        .references
        .keys()
        .cloned()
        .collect();
    for from in referrers {
        let mut skipped = 0;
        if chains.chain(table, &from).referenced {
            let mut rules =
                std::mem::take(&mut chains.get_mut(table, &from).expect("referenced").rules);
            for candidate in &mut rules {
                if candidate.target == name {
                    if compatible(candidate, rule) {
                        if merge_rules(chains, table, candidate, rule) {
                            chains.add_reference(table, &from, &target);
                            chains.delete_reference(table, &from, name);
                        }
                        count += 1;
                    } else {
                        skipped += 1;
                    }
                }
            }
            chains.get_mut(table, &from).expect("referenced").rules = rules;
        }
        if skipped > 0 {
            delete = false;
        } else if let Some(chain) = chains.get_mut(table, &target) {
            chain.references.remove(name);
        }
    }
    if delete {
        chains.delete_chain(table, name);
    }
    count
}

/// `conditionally_copy_rules`: a built-in chain with one simple jump takes the rules of the
/// target chain, if they may move.
fn conditionally_copy_rules(
    chains: &mut ChainTable,
    table: TableId,
    name: &str,
    target: &str,
) -> bool {
    match chains.get(table, target) {
        Some(chain) if chain.optflags & DONT_MOVE == 0 => {
            if let Some(chain) = chains.get_mut(table, name) {
                chain.rules.clear();
            }
            chains.copy_rules(table, target, name, false);
            true
        }
        _ => false,
    }
}

/// Level 4 (`optimize_level4`). Returns the number of passes, as Shorewall counts them.
pub fn optimize_level4(chains: &mut ChainTable, table: TableId, kludgefree: bool) -> u32 {
    let mut passes = 0;
    let mut progress = true;
    while progress {
        progress = false;
        passes += 1;
        let names: Vec<String> = chains
            .names_sorted(table)
            .into_iter()
            .filter(|it| chains.chain(table, it).referenced)
            .collect();
        for name in names {
            let optflags = chains.chain(table, &name).optflags;
            if optflags & DONT_DELETE == 0 && chains.chain(table, &name).references.is_empty() {
                if chains.chain(table, &name).referenced {
                    chains.delete_chain_and_references(table, &name);
                }
                continue;
            }
            if optflags & DONT_OPTIMIZE != 0 {
                continue;
            }
            let chain = chains.chain(table, &name);
            let numrules = chain.rules.len();
            let builtin = chain.builtin;
            if numrules == 0 {
                if builtin {
                    chains.set_optflags(table, &name, DONT_OPTIMIZE);
                } else {
                    delete_references(chains, table, &name);
                    progress = true;
                }
                continue;
            }
            let last = chain.rules[numrules - 1].clone();
            if chain.optflags & RETURNS == 0 && !chains.terminating.contains(&name) {
                let terminates =
                    chains.terminating.contains(&last.target) || last.jump == Some(Jump::Goto);
                if terminates {
                    chains.terminating.insert(name.clone());
                    progress = true;
                }
            }
            if numrules == 1 {
                let first = last;
                if first.simple {
                    if builtin {
                        if conditionally_copy_rules(chains, table, &name, &first.target) {
                            progress = true;
                        } else {
                            chains.set_optflags(table, &name, DONT_OPTIMIZE);
                        }
                    } else if first.target == "RETURN" {
                        chains.delete_chain_and_references(table, &name);
                        progress = true;
                    } else {
                        replace_references(
                            chains,
                            table,
                            &name,
                            &first.target,
                            first.target_options.as_deref(),
                            first.comment.as_deref(),
                            first.origin.as_deref(),
                            false,
                        );
                        progress = true;
                    }
                } else if !first.target.is_empty() {
                    if first.target == "RETURN" {
                        chains.delete_chain_and_references(table, &name);
                        progress = true;
                    } else if builtin || !kludgefree {
                        chains.set_optflags(table, &name, DONT_OPTIMIZE);
                    } else if chains.chain(table, &name).optflags & DONT_MOVE == 0
                        && replace_references1(chains, table, &name, &first) > 0
                    {
                        progress = true;
                    }
                }
            } else {
                let chain = chains.get_mut(table, &name).expect("listed");
                let mut last = last;
                if last.target == "RETURN" {
                    chain.rules.pop();
                    last = chain.rules[chain.rules.len() - 1].clone();
                    progress = true;
                }
                let plain_options = last.target_options.as_deref().unwrap_or("").is_empty();
                if last.simple && !last.target.is_empty() && plain_options {
                    let target = last.target.clone();
                    chain.rules.pop();
                    while let Some(previous) = chain.rules.last() {
                        let same = previous.target == target
                            && previous.target_options.as_deref().unwrap_or("").is_empty()
                            && !previous.has("nfacct")
                            && !previous.has("recent");
                        if !same {
                            break;
                        }
                        chain.rules.pop();
                        progress = true;
                    }
                    if !chain.rules.is_empty()
                        || !chain.builtin
                        || !matches!(target.as_str(), "ACCEPT" | "DROP" | "REJECT")
                    {
                        chain.rules.push(last);
                    } else {
                        chain.policy = target;
                    }
                }
            }
        }
    }

    // 4b: chains ending in a simple jump take the rules of short or singly-used targets.
    progress = true;
    while progress {
        progress = false;
        passes += 1;
        let names: Vec<String> = chains
            .names_in_hash_order(table)
            .into_iter()
            .filter(|it| chains.chain(table, it).referenced)
            .collect();
        for name in names {
            let Some(last) = chains.chain(table, &name).rules.last() else {
                continue;
            };
            if !last.simple {
                continue;
            }
            let target = last.target.clone();
            let Some(target_chain) = chains.get(table, &target) else {
                continue;
            };
            if target_chain.optflags & DONT_MOVE == 0
                && (target_chain.references.len() < 2 || target_chain.rules.len() < 4)
            {
                chains.copy_rules(table, &target, &name, false);
                progress = true;
            }
        }
    }

    // 4c: short chains used once are inlined where they are used.
    let names: Vec<String> = chains
        .names_in_hash_order(table)
        .into_iter()
        .filter(|it| {
            let chain = chains.chain(table, it);
            chain.referenced
                && chain.optflags == 0
                && chain.rules.len() < 4
                && chain.references.len() == 1
        })
        .collect();
    if !names.is_empty() {
        passes += 1;
        for name in names {
            let sources: Vec<(String, u32)> = chains
                .chain(table, &name)
                .references
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            for (source, count) in sources {
                if count != 1 {
                    continue;
                }
                let Some(position) = chains
                    .chain(table, &source)
                    .rules
                    .iter()
                    .position(|it| it.simple && it.target == name)
                else {
                    continue;
                };
                let inlined =
                    std::mem::take(&mut chains.get_mut(table, &name).expect("listed").rules);
                for rule in &inlined {
                    if let Some(target) = rule.target() {
                        if chains.exists(table, target) {
                            chains.add_reference(table, &source, target);
                            chains.delete_reference(table, &name, target);
                        }
                    }
                }
                if let Some(chain) = chains.get_mut(table, &source) {
                    chain.rules.splice(position..=position, inlined);
                }
                if let Some(chain) = chains.get_mut(table, &name) {
                    chain.references.remove(&source);
                }
                chains.delete_chain(table, &name);
            }
        }
    }
    passes
}

/// Level 8 (`optimize_level8`): merges chains with identical rules. Returns the number of
/// passes made (at least one).
pub fn optimize_level8(chains: &mut ChainTable, table: TableId, rename_combined: bool) -> u32 {
    let mut passes = 0;
    let mut chainseq = 0;
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut progress = true;
    // `my %rename` inside Shorewall's loop keeps the buckets of the previous pass.
    let mut rename = PerlHashOrder::new();
    while progress {
        progress = false;
        passes += 1;
        let mut names: Vec<String> = chains
            .names_in_hash_order(table)
            .into_iter()
            .filter(|it| {
                let chain = chains.chain(table, it);
                chain.referenced && !chain.rules.is_empty() && !chain.builtin
            })
            .collect();
        names.sort_by(|a, b| level8_compare(a, b));
        // Chains are compared through their arena index: names change below.
        let ids: Vec<usize> = names
            .iter()
            .filter_map(|it| chains.index_of(table, it))
            .collect();
        for id in &ids {
            let name = chains
                .by_index(table, *id)
                .map(|it| it.name.clone())
                .unwrap_or_default();
            if let Some(chain) = chains.get_mut(table, &name) {
                if chain.digest.is_none() {
                    chain.digest = Some(chain_digest(&chain.rules));
                }
            }
        }
        rename.clear();
        let mut rename_to: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut combined: Vec<(String, String)> = Vec::new();
        for (position, id) in ids.iter().enumerate() {
            for id1 in &ids[position + 1..] {
                let (Some(chain), Some(chain1)) =
                    (chains.by_index(table, *id), chains.by_index(table, *id1))
                else {
                    continue;
                };
                if chain1.optflags & DONT_DELETE != 0 || chain.digest != chain1.digest {
                    continue;
                }
                let name = chain.name.clone();
                let name1 = chain1.name.clone();
                progress = true;
                replace_references(chains, table, &name1, &name, None, Some(""), Some(""), true);
                // The references moved to the survivor bring their blacklist mark along
                // (`add_reference`), so the name is chosen after the move.
                let blacklist = chains.chain(table, &name).blacklistsection;
                if rename_combined && !name.starts_with('~') && !name.starts_with('%') {
                    rename.insert(&name);
                    rename_to.insert(name.clone(), if blacklist { "~blacklist" } else { "~comb" });
                }
                combined.push((name1.clone(), name.clone()));
                let (policychain, policy, is_policy_chain) = {
                    let c = chains.chain(table, &name);
                    (
                        c.policychain.clone(),
                        c.policy.clone(),
                        !c.policychain.is_empty(),
                    )
                };
                let (policychain1, policy1, is_policy_chain1) = {
                    let c = chains.chain(table, &name1);
                    (
                        c.policychain.clone(),
                        c.policy.clone(),
                        !c.policychain.is_empty(),
                    )
                };
                if is_policy_chain {
                    if !is_policy_chain1 {
                        if let Some(c) = chains.get_mut(table, &name1) {
                            c.policychain = policychain;
                            c.policy = policy;
                        }
                    }
                } else if is_policy_chain1 {
                    if let Some(c) = chains.get_mut(table, &name) {
                        c.policychain = policychain1;
                        c.policy = policy1;
                    }
                }
            }
        }
        if progress {
            let old_names: Vec<String> = rename.keys().into_iter().map(str::to_owned).collect();
            for old in &old_names {
                let new = format!(
                    "{}{chainseq}",
                    rename_to.get(old).copied().unwrap_or("~comb")
                );
                chainseq += 1;
                renamed.insert(old.clone(), new.clone());
                chains.alias_chain(table, old, &new);
            }
            for (old, into) in &combined {
                let new = renamed.get(into).cloned().unwrap_or_else(|| into.clone());
                renamed.insert(old.clone(), new);
            }
            let all: Vec<String> = chains.names_in_hash_order(table);
            for name in &all {
                if let Some(chain) = chains.get_mut(table, name) {
                    if let Some(new) = renamed.get(&chain.policychain) {
                        chain.policychain = new.clone();
                    }
                }
            }
            for old in &old_names {
                chains.forget_name(table, old);
            }
            for name in chains.names_in_hash_order(table) {
                if let Some(chain) = chains.get_mut(table, &name) {
                    let mut changed = false;
                    for rule in &mut chain.rules {
                        if let Some(new) = renamed.get(&rule.target) {
                            rule.target = new.clone();
                            changed = true;
                        }
                    }
                    if changed {
                        chain.digest = None;
                    }
                }
            }
        }
    }
    passes
}

/// Level 8's chain order: reverse by first character, forward among names that share it.
fn level8_compare(a: &str, b: &str) -> std::cmp::Ordering {
    if a.as_bytes().first() == b.as_bytes().first() {
        a.cmp(b)
    } else {
        b.cmp(a)
    }
}

/// Level 16 (`optimize_level16`): duplicate rules, dport lists, conntrack states.
pub fn optimize_level16(chains: &mut ChainTable, table: TableId, combine_states_too: bool) {
    let names: Vec<String> = chains
        .names_in_hash_order(table)
        .into_iter()
        .filter(|it| chains.chain(table, it).referenced)
        .collect();
    for name in &names {
        if let Some(chain) = chains.get_mut(table, name) {
            let rules = std::mem::take(&mut chain.rules);
            chain.rules = delete_duplicates(rules);
        }
    }
    for name in &names {
        if let Some(chain) = chains.get_mut(table, name) {
            let rules = std::mem::take(&mut chain.rules);
            chain.rules = combine_dports(rules);
        }
    }
    if combine_states_too {
        for name in &names {
            if let Some(chain) = chains.get_mut(table, name) {
                let rules = std::mem::take(&mut chain.rules);
                chain.rules = combine_states(rules);
            }
        }
    }
}

/// Matches whose result an intervening rule may change: rules using them are only
/// duplicates of an adjacent rule.
fn is_bad_match(key: &str) -> bool {
    matches!(
        key,
        "conntrack --ctstate" | "dscp" | "ecn" | "mark" | "set" | "tos" | "u32"
    )
}

/// `delete_duplicates`: drops a rule that repeats an earlier one of the same run of plain
/// rules; a rule with a match an intervening rule may change (`is_bad_match`) only when it
/// repeats the rule just before it.
fn delete_duplicates(rules: Vec<Rule>) -> Vec<Rule> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    // Each rule's digest is kept as a hash of its string (one string per rule cost more than
    // the rest of the pass); equal hashes are confirmed by comparing the strings.
    let hasher = BuildHasherDefault::<super::fx_hash::FxHasher>::default();
    let mut text = String::with_capacity(128);
    let hashes: Vec<u64> = rules
        .iter()
        .map(|rule| {
            text.clear();
            write_rule_string(rule, false, &mut text);
            hasher.hash_one(&text)
        })
        .collect();
    let same = |a: usize, b: usize| {
        hashes[a] == hashes[b] && rule_string(&rules[a], false) == rule_string(&rules[b], false)
    };
    let mut keep = vec![true; rules.len()];
    // Shorewall compares each rule with every earlier one back to the last shell rule; the
    // digests seen since then answer the same question. `seen` holds the first rule of each
    // hash since `window`; another rule of the same hash is looked for only where that first
    // one differs (a hash collision).
    let mut seen: super::fx_hash::FxHashMap<u64, usize> = Default::default();
    let mut window = 0;
    for (base, rule) in rules.iter().enumerate() {
        if rule.mode != Mode::Cat {
            seen.clear();
            window = base + 1;
            continue;
        }
        if base > 0 && !rule.target.is_empty() {
            let bad = rule.matches.iter().any(|it| is_bad_match(&it.key));
            keep[base] = if bad {
                !(rules[base - 1].mode == Mode::Cat && same(base - 1, base))
            } else {
                match seen.get(&hashes[base]) {
                    None => true,
                    Some(&first) if same(first, base) => false,
                    Some(_) => !(window..base).any(|other| same(other, base)),
                }
            };
        }
        seen.entry(hashes[base]).or_insert(base);
    }
    rules
        .into_iter()
        .zip(keep)
        .filter_map(|(rule, keep)| keep.then_some(rule))
        .collect()
}

/// `get_dports`: the destination ports of a rule, as a comma list.
fn get_dports(rule: &Rule) -> String {
    if let Some(dport) = rule.get("dport").filter(|it| !it.is_empty()) {
        return dport.to_owned();
    }
    rule.get_all("multiport")
        .filter_map(|it| it.strip_prefix("--dports "))
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(",")
}

/// `get_multi_sports`: the multiport source ports of a rule.
fn get_multi_sports(rule: &Rule) -> String {
    rule.get_all("multiport")
        .filter_map(|it| it.strip_prefix("--sports "))
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(",")
}

fn keys_without<'a>(fields: &BTreeMap<&'a str, PerlValue<'_>>, skip: &[&str]) -> Vec<&'a str> {
    fields
        .keys()
        .filter(|it| !skip.contains(it))
        .copied()
        .collect()
}

/// Merges the comment of a combined rule into the comment being built, as Shorewall does.
/// Returns `false` when the comment would grow too long (the rules are then not combined).
fn merge_comment(comment: &mut String, last: &mut String, next: &str) -> bool {
    if !next.is_empty() {
        if !comment.is_empty() {
            if next != last {
                comment.push_str(", ");
                comment.push_str(next);
            }
        } else {
            *comment = "Others and ".to_owned();
            if comment.len() + next.len() > 255 {
                return false;
            }
            comment.push_str(next);
        }
        *last = next.to_owned();
    } else {
        let mut next = String::new();
        if !comment.is_empty() {
            next = " and others".to_owned();
            if next != *last {
                if comment.len() + next.len() > 255 {
                    return false;
                }
                comment.push_str(&next);
            }
        }
        *last = next;
    }
    true
}

/// `combine_dports`: adjacent rules that differ only in their destination ports become one
/// multiport rule (at most 15 ports).
/// Whether two rules differ in a field `combine_dports` compares, found without building their
/// fields: the target, the jump, or the first value of a match that is neither `dport` nor
/// `multiport` (the field holds that value, or a list that starts with it). Any of these
/// differences stops the combination, whichever the first check to see it.
fn differs_cheaply(base: &Rule, candidate: &Rule) -> bool {
    candidate.target != base.target
        || candidate.jump != base.jump
        || ["s", "d", "i", "o"]
            .iter()
            .any(|key| candidate.get(key) != base.get(key))
}

fn combine_dports(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut queue: std::collections::VecDeque<Rule> = rules.into();
    let mut base = queue.pop_front();
    while let Some(mut baseref) = base {
        let mut next: Option<Rule> = None;
        let ports1 = get_dports(&baseref);
        if !ports1.is_empty() {
            let proto = baseref.get("p").map(str::to_owned);
            // The base rule's fields, built when a candidate first needs them.
            let mut base_fields = None;
            let mut ports: Vec<String> = ports1.split(',').map(str::to_owned).collect();
            let mut count = super::chains::port_count(&ports1);
            let original = ports.len();
            let mut comment = baseref.comment.clone().unwrap_or_default();
            let mut last_comment = comment.clone();
            let multi_sports = get_multi_sports(&baseref);
            let mut origin = baseref.origin.clone().unwrap_or_default();
            let mut last_origin = origin.clone();
            'rule: while let Some(candidate) = queue.pop_front() {
                if count >= 15 || differs_cheaply(&baseref, &candidate) {
                    next = Some(candidate);
                    break;
                }
                let ports2 = get_dports(&candidate);
                if ports2.is_empty() || candidate.get("p").map(str::to_owned) != proto {
                    next = Some(candidate);
                    break;
                }
                let comment2 = candidate.comment.clone().unwrap_or_default();
                if comment2 != last_comment && comment.len() + comment2.len() > 253 {
                    next = Some(candidate);
                    break;
                }
                let (fields1, keys1) = base_fields.get_or_insert_with(|| {
                    let fields = perl_fields(&baseref);
                    let keys = keys_without(&fields, &["dport"]);
                    (fields, keys)
                });
                let fields2 = perl_fields(&candidate);
                let keys2 = keys_without(&fields2, &["dport"]);
                if keys1.len() != keys2.len() {
                    next = Some(candidate);
                    break;
                }
                for (key, key2) in keys1.iter().zip(&keys2) {
                    if key != key2 {
                        next = Some(candidate);
                        break 'rule;
                    }
                    if fields1.get(key) == fields2.get(key) {
                        continue;
                    }
                    if !(*key == "multiport" && multi_sports == get_multi_sports(&candidate)) {
                        next = Some(candidate);
                        break 'rule;
                    }
                }
                if ports1 == ports2 {
                    // The same ports again: the rule is a duplicate and disappears.
                    continue;
                }
                count += super::chains::port_count(&ports2);
                if count > 15 {
                    next = Some(candidate);
                    break;
                }
                if !merge_comment(&mut comment, &mut last_comment, &comment2) {
                    next = Some(candidate);
                    break;
                }
                let origin2 = candidate.origin.clone().unwrap_or_default();
                merge_origin(&mut origin, &mut last_origin, &origin2);
                ports.extend(ports2.split(',').map(str::to_owned));
            }
            if ports.len() > original {
                let dports = format!("--dports {}", ports.join(","));
                let mut matches = Vec::new();
                let mut switched = false;
                let sports_value =
                    (!multi_sports.is_empty()).then(|| format!("--sports {multi_sports}"));
                for m in std::mem::take(&mut baseref.matches) {
                    match &*m.key {
                        "dport" | "sport" => {
                            if !switched {
                                switched = true;
                                matches.push(Match::new("multiport", ""));
                            }
                        }
                        _ => matches.push(m),
                    }
                }
                // Give the multiport entries their values in order: sports first, dports last.
                let mut values: Vec<String> = Vec::new();
                if let Some(sports) = sports_value {
                    values.push(sports);
                }
                values.push(dports);
                let slots = matches.iter().filter(|it| it.key == "multiport").count();
                let mut values = values.into_iter();
                let mut assigned = 0;
                for m in matches.iter_mut().filter(|it| it.key == "multiport") {
                    assigned += 1;
                    if let Some(value) = values.next() {
                        m.value = value;
                    } else if assigned <= slots {
                        m.value.clear();
                    }
                }
                if slots == 0 {
                    matches.push(Match::new("multiport", values.next().unwrap_or_default()));
                }
                baseref.complex |= matches.iter().filter(|it| it.key == "multiport").count() > 1;
                baseref.matches = matches;
                if !comment.is_empty() {
                    baseref.comment = Some(comment);
                }
                if !origin.is_empty() {
                    baseref.origin = Some(origin);
                }
            }
        }
        out.push(baseref);
        base = next.or_else(|| queue.pop_front());
    }
    out
}

fn merge_origin(origin: &mut String, last: &mut String, next: &str) {
    if !next.is_empty() {
        if !origin.is_empty() {
            if next != last {
                origin.push_str(", ");
                origin.push_str(next);
            }
        } else {
            *origin = format!("Others and {next}");
        }
        *last = next.to_owned();
    } else {
        let mut next = String::new();
        if !origin.is_empty() {
            next = " and others".to_owned();
            if next != *last {
                origin.push_str(&next);
            }
        }
        *last = next;
    }
}

/// `get_conntrack`: the states of a rule's conntrack match; normalizes the rule as Shorewall
/// does when it has one.
fn get_conntrack(rule: &mut Rule) -> Option<String> {
    let states = rule.get("conntrack --ctstate")?.to_owned();
    rule.normalized = true;
    Some(states)
}

/// `combine_states`: adjacent rules that differ only in their conntrack states become one.
fn combine_states(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut queue: std::collections::VecDeque<Rule> = rules.into();
    let mut base = queue.pop_front();
    while let Some(mut baseref) = base {
        let mut next: Option<Rule> = None;
        if let Some(states1) = get_conntrack(&mut baseref) {
            let fields1 = perl_fields(&baseref);
            let keys1 = keys_without(&fields1, &["conntrack --ctstate"]);
            let mut states: Vec<String> = states1.split(',').map(str::to_owned).collect();
            let mut seen: BTreeSet<String> = states.iter().cloned().collect();
            let original = states.len();
            let mut comment = baseref.comment.clone().unwrap_or_default();
            let mut last_comment = comment.clone();
            'rule: while let Some(mut candidate) = queue.pop_front() {
                let Some(states2) = get_conntrack(&mut candidate) else {
                    next = Some(candidate);
                    break;
                };
                let comment2 = candidate.comment.clone().unwrap_or_default();
                if comment2 != last_comment && comment.len() + comment2.len() > 253 {
                    next = Some(candidate);
                    break;
                }
                // A different target or jump is a different field: no need to build the
                // candidate's fields to know the rules do not combine.
                if candidate.target != baseref.target || candidate.jump != baseref.jump {
                    next = Some(candidate);
                    break;
                }
                let fields2 = perl_fields(&candidate);
                let keys2 = keys_without(&fields2, &["conntrack --ctstate"]);
                if keys1.len() != keys2.len() {
                    next = Some(candidate);
                    break;
                }
                for (key, key2) in keys1.iter().zip(&keys2) {
                    if key != key2 || fields1.get(key) != fields2.get(key) {
                        next = Some(candidate);
                        break 'rule;
                    }
                }
                if !merge_comment(&mut comment, &mut last_comment, &comment2) {
                    next = Some(candidate);
                    break;
                }
                for state in states2.split(',') {
                    if seen.insert(state.to_owned()) {
                        states.push(state.to_owned());
                    }
                }
            }
            if states.len() > original {
                if let Some(m) = baseref
                    .matches
                    .iter_mut()
                    .find(|it| it.key == "conntrack --ctstate")
                {
                    m.value = states.join(",");
                }
            }
        }
        out.push(baseref);
        base = next.or_else(|| queue.pop_front());
    }
    out
}

/// `optimize_chain` (level 2): an ACCEPT-policy chain loses the ACCEPT rules before its
/// final ACCEPT; an emptied chain is replaced by ACCEPT where it is used.
pub fn optimize_chain(chains: &mut ChainTable, table: TableId, name: &str) {
    if !chains.chain(table, name).referenced {
        return;
    }
    let chain = chains.get_mut(table, name).expect("referenced");
    let Some(last) = chain.rules.pop() else {
        return;
    };
    while chain.rules.last().is_some_and(|it| it.target == "ACCEPT") {
        chain.rules.pop();
    }
    if !chain.rules.is_empty() {
        chain.rules.push(last);
    } else if chain.builtin {
        chain.policy = "ACCEPT".to_owned();
    } else {
        let referrers: Vec<String> = chain.references.keys().cloned().collect();
        for from in referrers {
            if let Some(from) = chains.get_mut(table, &from) {
                for rule in &mut from.rules {
                    if rule.target == name {
                        rule.target = "ACCEPT".to_owned();
                        rule.jump = Some(Jump::Jump);
                    }
                }
            }
        }
        chains.delete_chain(table, name);
    }
}

/// The optimize levels 4, 8 and 16 for every valid table (`optimize_ruleset`).
pub fn optimize_ruleset(
    chains: &mut ChainTable,
    level: u32,
    mangle_enabled: bool,
    rename_combined: bool,
) {
    let kludgefree = chains.caps.has("KLUDGEFREE");
    let conntrack = chains.caps.has("CONNTRACK_MATCH");
    for table in chains.valid_tables(mangle_enabled) {
        if level & 4 != 0 {
            optimize_level4(chains, table, kludgefree);
        }
        if level & 16 != 0 {
            optimize_level16(chains, table, conntrack);
        }
        if level & 8 != 0 {
            let passes = optimize_level8(chains, table, rename_combined);
            if level & 16 != 0 && passes > 1 {
                optimize_level16(chains, table, conntrack);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::capabilities::Capabilities;
    use crate::compile::emit::format_rule;

    fn table_with(rules: &[&str]) -> ChainTable {
        let mut chains = ChainTable::new(Capabilities::default());
        chains.new_standard_chain("x");
        for rule in rules {
            chains
                .push_rule(TableId::Filter, "x", rule)
                .expect("valid rule");
        }
        chains
    }

    fn texts(chains: &ChainTable) -> String {
        chains
            .chain(TableId::Filter, "x")
            .rules
            .iter()
            .map(|it| format_rule("x", it))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn level16_combines_ports_and_drops_duplicates() {
        let mut chains = table_with(&[
            "-p 6 --dport 22 -j ACCEPT",
            "-p 6 --dport 22 -j ACCEPT",
            "-p 6 --dport 80 -j ACCEPT",
            "-p 17 --dport 53 -j ACCEPT",
            "-m conntrack --ctstate NEW -j DROP",
            "-m conntrack --ctstate INVALID -j DROP",
        ]);
        optimize_level16(&mut chains, TableId::Filter, true);
        expect_test::expect![[r#"
            -A x -p 6 -m multiport --dports 22,80 -j ACCEPT
            -A x -p 17 --dport 53 -j ACCEPT
            -A x -m conntrack --ctstate NEW,INVALID -j DROP"#]]
        .assert_eq(&texts(&chains));
    }

    #[test]
    fn a_repeated_state_rule_goes_only_when_adjacent() {
        let mut chains = table_with(&[
            "-s 2001:db8::1 -j DROP",
            "-m conntrack --ctstate NEW -j ACCEPT",
            "-m conntrack --ctstate NEW -j ACCEPT",
            "-p 6 --dport 22 -j ACCEPT",
            "-m conntrack --ctstate NEW -j ACCEPT",
            "-s 2001:db8::1 -j DROP",
        ]);
        optimize_level16(&mut chains, TableId::Filter, false);
        expect_test::expect![[r#"
            -A x -s 2001:db8::1 -j DROP
            -A x -m conntrack --ctstate NEW -j ACCEPT
            -A x -p 6 --dport 22 -j ACCEPT
            -A x -m conntrack --ctstate NEW -j ACCEPT"#]]
        .assert_eq(&texts(&chains));
    }

    #[test]
    fn level4_drops_rules_that_repeat_the_final_jump() {
        let mut chains = table_with(&[
            "-p 6 --dport 22 -j ACCEPT",
            "-p 6 --dport 25 -j DROP",
            "-j DROP",
        ]);
        chains.new_builtin_chain(TableId::Filter, "INPUT", "DROP");
        chains
            .add_ijump(
                TableId::Filter,
                "INPUT",
                Jump::Jump,
                "x",
                vec![Match::new("i", "eth0")],
            )
            .expect("jump");
        optimize_level4(&mut chains, TableId::Filter, true);
        expect_test::expect![[r#"
            -A x -p 6 --dport 22 -j ACCEPT
            -A x -j DROP"#]]
        .assert_eq(&texts(&chains));
    }

    #[test]
    fn comments_merge_like_shorewall() {
        let mut comment = "SSH".to_owned();
        let mut last = comment.clone();
        assert!(merge_comment(&mut comment, &mut last, "HTTP"));
        assert!(merge_comment(&mut comment, &mut last, ""));
        assert_eq!(comment, "SSH, HTTP and others");
        let mut comment = String::new();
        let mut last = String::new();
        assert!(merge_comment(&mut comment, &mut last, "DNS"));
        assert_eq!(comment, "Others and DNS");
    }
}
