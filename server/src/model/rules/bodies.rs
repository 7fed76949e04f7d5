//! Macro, inline action and action bodies (`Rules.pm process_macro`, `process_inline`,
//! `process_action`), each read for its invocation (parameters, log level), and the NAT part of
//! a rule (`Nat.pm handle_nat_rule`). The standard actions whose bodies are Perl get the checks
//! that Perl makes, written here.

use std::borrow::Cow;

use shorewall_syntax::Family;

use crate::model::{
    catalog::{self, flags},
    expand::Value,
    reader::{self, Event, Line, ReadOptions},
    Origin, Site,
};

use super::{
    col, hosts,
    matches::{self, port_count, proto_name, resolve_proto, validate_port, Check, Problem},
    process_rule, split_action, target_type, Columns, Flow, Frame, Place, Proc, Section,
};

/// `merge_levels`: the invocation's log level applies to a body's targets.
pub(crate) fn merge_levels(superior: &str, subordinate: &str) -> String {
    if matches!(subordinate, "FORMAT" | "COMMENT" | "DEFAULT" | "DEFAULTS") {
        return subordinate.to_owned();
    }
    // Perl's `split` drops trailing empty fields: `FIN:none:` has two parts.
    let trimmed = |mut parts: Vec<String>| {
        while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
            parts.pop();
        }
        parts
    };
    let sup = trimmed(split_action(superior));
    let sub = trimmed(split_action(subordinate));
    let target = sub.first().cloned().unwrap_or_default();
    let sub_count = sub.len();
    let level = sup.get(1).cloned().unwrap_or_default();
    let tag = sup.get(2).cloned().unwrap_or_default();
    let is_netlink = {
        let head: String = target
            .chars()
            .take_while(|it| it.is_ascii_alphanumeric() || *it == '_')
            .collect();
        head == "NFLOG" || head == "ULOG"
    };
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

/// `merge_macro_source_dest`.
pub(crate) fn merge_source_dest(body: &str, invocation: &str) -> String {
    if invocation.is_empty() {
        return body.to_owned();
    }
    if body.is_empty() {
        return invocation.to_owned();
    }
    if invocation == "-" {
        return body.to_owned();
    }
    // `/.*?\.*?\.|^\+|^!+|^~|^!~|~<|~\[/`: a dot anywhere counts as an address.
    let address_like = invocation.contains('.')
        || invocation.starts_with(['+', '!', '~'])
        || invocation.contains("~<")
        || invocation.contains("~[");
    if address_like {
        format!("{body}:{invocation}")
    } else {
        format!("{invocation}:{body}")
    }
}

/// The SOURCE (or DEST) of a body line merged with the invocation's (`process_macro`):
/// `(value, from the invocation only)`.
fn merge_zone_column(body: &str, source: &str, dest: &str, is_source: bool) -> (String, bool) {
    if body.is_empty() {
        return (String::new(), false);
    }
    let own = if is_source { source } else { dest };
    let other = if is_source { dest } else { source };
    let own_name = if is_source { "SOURCE" } else { "DEST" };
    let other_name = if is_source { "DEST" } else { "SOURCE" };
    if body == "-" {
        return (own.to_owned(), true);
    }
    if let Some(rest) = body.strip_prefix(other_name) {
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        return (merge_source_dest(rest, other), false);
    }
    let rest = if is_source {
        body.strip_prefix("SOURCE")
            .map(|it| it.strip_prefix(':').unwrap_or(it))
            .unwrap_or(body)
    } else {
        // `s/DEST:?//` removes the first DEST anywhere.
        let _ = own_name;
        match body.find("DEST") {
            Some(idx) => {
                let after = &body[idx + 4..];
                let after = after.strip_prefix(':').unwrap_or(after);
                return (
                    merge_source_dest(&format!("{}{after}", &body[..idx]), own),
                    false,
                );
            }
            None => body,
        }
    };
    (merge_source_dest(rest, own), false)
}

/// `merge_macro_column`: the invocation's value unless it is `-`.
fn merge_column(body: &str, invocation: &str) -> (String, bool) {
    if !invocation.is_empty() && invocation != "-" {
        (invocation.to_owned(), true)
    } else {
        (body.to_owned(), false)
    }
}

/// The place of a body line: columns from the invocation keep the invocation's place; those
/// from the body are the body's when it is in the configuration directory, else the
/// invocation's ACTION column.
fn body_place(
    p: &Proc<'_, '_>,
    outer: &Place,
    line: &Line,
    from_invocation: &[bool],
    what: String,
) -> Place {
    let in_config = super::is_config_file(p.ctx, line.file);
    let cols = (0..col::COUNT)
        .map(|idx| {
            if from_invocation.get(idx).copied().unwrap_or(false) {
                outer.col(idx)
            } else if in_config {
                line.site_of(idx)
            } else {
                outer.col(col::ACTION)
            }
        })
        .collect();
    let mut trail = outer.trail.clone();
    trail.push((what, line.site));
    Place {
        line: if in_config { line.site } else { outer.line },
        cols,
        trail,
    }
}

/// The parameters an action body sees (`push_action_params`): `-` is empty, `--` is `-`.
fn action_params(param: &str) -> Vec<Value> {
    if param.is_empty() {
        return Vec::new();
    }
    matches::split_list3(&omitted_params(param))
        .into_iter()
        .map(|it| {
            Value::Known(match it {
                "-" => String::new(),
                "--" => "-".to_owned(),
                other => other.to_owned(),
            })
        })
        .collect()
}

/// `split_list3` allows omitted arguments: `,x` is `-,x`.
fn omitted_params(param: &str) -> String {
    let mut text = param.to_owned();
    if text.starts_with(',') {
        text.insert(0, '-');
    }
    if text.ends_with(',') {
        text.push('-');
    }
    while text.contains(",,") {
        text = text.replace(",,", ",-,");
    }
    text
}

/// Reads a body file for one invocation, with the action's parameters and named variables
/// (`@chain`, `@loglevel`, ...) when in an action.
fn read_body(
    p: &mut Proc<'_, '_>,
    file: crate::model::FileId,
    frame: Option<&Frame>,
    action: &str,
    call_site: Site,
) -> Vec<Event> {
    let vars = frame.map(|frame| {
        let mut vars = vec![
            ("chain".to_owned(), frame.chain.clone()),
            ("0".to_owned(), frame.chain.clone()),
            ("loglevel".to_owned(), frame.loglevel.clone()),
            ("logtag".to_owned(), frame.logtag.clone()),
            ("action".to_owned(), action.to_owned()),
            ("disposition".to_owned(), String::new()),
        ];
        vars.retain(|(_, value)| !value.contains(crate::model::expand::UNKNOWN));
        vars
    });
    let opts = ReadOptions {
        action_params: frame.map(|it| it.params.clone()),
        sections: false,
        action_vars: vars,
        call_site: Some(call_site),
        columns_of: None,
    };
    reader::read(p.ctx, file, opts)
}

/// `process_macro`.
pub(super) fn process_macro(
    p: &mut Proc<'_, '_>,
    frame: Option<&Frame>,
    place: &Place,
    name: &str,
    cols: &Columns,
    current_param: &str,
    wildcard: bool,
) -> Flow<bool> {
    let Some(file) = catalog::find_macro(p.ctx, name) else {
        return Ok(false);
    };
    let mut param = current_param.to_owned();
    let events = read_body(p, file, frame, name, place.line);
    let target = &cols[col::ACTION];
    let mut generated = false;
    for event in events {
        let line = match event {
            Event::Record(line) => line,
            Event::Defaults { args, .. } => {
                if param.is_empty() {
                    param = args.first().cloned().unwrap_or_default();
                }
                continue;
            }
            Event::Section { .. } => continue,
        };
        let mut from_invocation = vec![false; col::COUNT];
        let line_place = |p: &Proc<'_, '_>, from: &[bool]| {
            body_place(p, place, &line, from, format!("macro {name}"))
        };
        let mtarget = line.value(col::ACTION).to_owned();
        if mtarget == "-" {
            let here = line_place(p, &from_invocation);
            return Err(p.fail(
                &here,
                Problem::new(col::ACTION, "invalid-action", "TARGET must be specified"),
            ));
        }
        if mtarget == "DEFAULT" || mtarget == "DEFAULTS" {
            if param.is_empty() {
                param = line.value(col::SOURCE).to_owned();
            }
            continue;
        }
        let mut mtarget = merge_levels(target, &mtarget);
        if mtarget == "PARAM" || mtarget.starts_with("PARAM:") {
            if param.is_empty() {
                let here = line_place(p, &from_invocation);
                let mut here = here;
                // The fix is in the invocation.
                here.cols[col::ACTION] = place.col(col::ACTION);
                return Err(p.fail(
                    &here,
                    Problem::new(
                        col::ACTION,
                        "macro-needs-parameter",
                        format!(
                            "PARAM requires a parameter to be supplied in macro invocation: write {name}(ACCEPT), {name}(DROP), ..."
                        ),
                    ),
                ));
            }
            // `substitute_param`.
            mtarget = if mtarget.contains(':') {
                let log = split_action(&mtarget)[1..].join(":");
                format!("{param}:{}", log.trim_end_matches('/'))
            } else {
                param.clone()
            };
            from_invocation[col::ACTION] = true;
        }
        let basic = super::isolate_basic_target(&mtarget);
        let allowed =
            flags::ACTION | flags::STANDARD | flags::NATRULE | flags::MACRO | flags::CHAIN;
        let actiontype = target_type(p.ctx, &basic).unwrap_or(0);
        if actiontype & allowed == 0 {
            let here = line_place(p, &from_invocation);
            return Err(p.fail(
                &here,
                Problem::new(
                    col::ACTION,
                    "unknown-action",
                    format!("Invalid Action ({mtarget}) in macro"),
                )
                .at(&basic),
            ));
        }
        let (source, source_inv) = merge_zone_column(
            line.value(col::SOURCE),
            &cols[col::SOURCE],
            &cols[col::DEST],
            true,
        );
        let (dest, dest_inv) = merge_zone_column(
            line.value(col::DEST),
            &cols[col::SOURCE],
            &cols[col::DEST],
            false,
        );
        from_invocation[col::SOURCE] = source_inv;
        from_invocation[col::DEST] = dest_inv;
        let mut merged: Columns = vec![Cow::Borrowed("-"); col::COUNT];
        merged[col::ACTION] = mtarget.into();
        merged[col::SOURCE] = source.into();
        merged[col::DEST] = dest.into();
        for idx in col::DPORT..col::COUNT {
            if idx == col::USER {
                continue;
            }
            let (value, from) = merge_column(line.value(idx), &cols[idx]);
            merged[idx] = value.into();
            from_invocation[idx] = from;
        }
        let here = line_place(p, &from_invocation);
        let protos = matches::split_list(line.value(col::PROTO), "Protocol", col::PROTO)
            .map_err(|it| p.fail(&here, it))?
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let users = matches::split_list(line.value(col::USER), "User/Group", col::USER)
            .map_err(|it| p.fail(&here, it))?
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        for proto in &protos {
            for user in &users {
                let mut merged = merged.clone();
                let mut from = from_invocation.clone();
                let (value, from_proto) = merge_column(proto, &cols[col::PROTO]);
                merged[col::PROTO] = value.into();
                from[col::PROTO] = from_proto;
                let (value, from_user) = merge_column(user, &cols[col::USER]);
                merged[col::USER] = value.into();
                from[col::USER] = from_user;
                let here = line_place(p, &from);
                p.raw.push(line.raw_matches.clone().unwrap_or_default());
                let res = process_rule(p, frame, &here, &merged, &param, wildcard);
                p.raw.pop();
                generated |= res?;
            }
        }
    }
    Ok(generated)
}

/// `process_inline`: an inline action's body, merged with the invocation like a macro's.
#[allow(clippy::too_many_arguments)]
pub(super) fn process_inline(
    p: &mut Proc<'_, '_>,
    frame: Option<&Frame>,
    place: &Place,
    name: &str,
    loglevel: &str,
    param: &str,
    cols: &Columns,
    wildcard: bool,
    chain: &str,
) -> Flow<bool> {
    let Some(def) = p.ctx.model.catalog.action(name).cloned() else {
        return Ok(false);
    };
    let Some(file) = def.file else {
        return Ok(false);
    };
    let (level, tag) = match loglevel.split_once(':') {
        Some((level, tag)) => (level.to_owned(), tag.to_owned()),
        None => (loglevel.to_owned(), String::new()),
    };
    let level = if level.is_empty() {
        "none".to_owned()
    } else {
        level
    };
    let mut params = action_params(param);
    setup_audit_action(p, place, name, &def, &mut params)?;
    perl_action_checks(p, place, name, &def, &params, &level, &tag)?;
    let nolog = def.has_option("nolog");
    let inner = Frame {
        params: params.clone(),
        loglevel: level.clone(),
        logtag: tag.clone(),
        chain: frame.map_or_else(|| chain.to_owned(), |it| it.chain.clone()),
        in_chain: true,
        in_action: frame.is_some_and(|it| it.in_action),
    };
    if let Some(target) = perl_helper_target(p, name, &def, &params) {
        // The Perl body of SetEvent and ResetEvent adds one rule: its ACTION parameter with
        // the invocation's columns (`perl_action_helper`), checked as any rule is.
        let mut cols = cols.clone();
        cols[col::ACTION] = target.into();
        return super::process_rule(p, Some(&inner), place, &cols, "", wildcard);
    }
    let events = read_body(p, file, Some(&inner), name, place.line);
    let mut generated = false;
    for event in events {
        let line = match event {
            Event::Record(line) => line,
            Event::Defaults { args, site } => {
                if let Some(state) = def.state() {
                    let params = with_defaults(&params, &args);
                    let mut here = place.clone();
                    if super::is_config_file(p.ctx, site.file) {
                        here.cols[col::ACTION] = site;
                    }
                    here.trail.push((format!("action {name}"), site));
                    generated |= state_rule(p, &inner, &here, state, &params, cols, nolog)?;
                }
                continue;
            }
            Event::Section { .. } => continue,
        };
        let mut from_invocation = vec![false; col::COUNT];
        let mtarget = line.value(col::ACTION).to_owned();
        if mtarget == "-" {
            let here = body_place(p, place, &line, &from_invocation, format!("action {name}"));
            return Err(p.fail(
                &here,
                Problem::new(col::ACTION, "invalid-action", "TARGET must be specified"),
            ));
        }
        let mtarget = if nolog {
            mtarget
        } else {
            merge_levels(&format!("{}:{level}:{tag}", inner.chain), &mtarget)
        };
        let basic = super::isolate_basic_target(&mtarget);
        let allowed = flags::ACTION
            | flags::STANDARD
            | flags::NATRULE
            | flags::MACRO
            | flags::CHAIN
            | flags::INLINE
            | flags::INLINERULE;
        let actiontype = target_type(p.ctx, &basic).unwrap_or(0);
        if actiontype & allowed == 0 {
            let here = body_place(p, place, &line, &from_invocation, format!("action {name}"));
            return Err(p.fail(
                &here,
                Problem::new(
                    col::ACTION,
                    "unknown-action",
                    format!("Invalid Action ({mtarget}) in inline action"),
                )
                .at(&basic),
            ));
        }
        let (source, source_inv) = merge_zone_column(
            line.value(col::SOURCE),
            &cols[col::SOURCE],
            &cols[col::DEST],
            true,
        );
        let (dest, dest_inv) = merge_zone_column(
            line.value(col::DEST),
            &cols[col::SOURCE],
            &cols[col::DEST],
            false,
        );
        from_invocation[col::SOURCE] = source_inv;
        from_invocation[col::DEST] = dest_inv;
        let mut merged: Columns = vec![Cow::Borrowed("-"); col::COUNT];
        merged[col::ACTION] = mtarget.into();
        merged[col::SOURCE] = source.into();
        merged[col::DEST] = dest.into();
        for idx in col::DPORT..col::COUNT {
            if idx == col::USER {
                continue;
            }
            let (value, from) = merge_column(line.value(idx), &cols[idx]);
            merged[idx] = value.into();
            from_invocation[idx] = from;
        }
        let here = body_place(p, place, &line, &from_invocation, format!("action {name}"));
        let protos: Vec<String> =
            matches::split_list(line.value(col::PROTO), "Protocol", col::PROTO)
                .map_err(|it| p.fail(&here, it))?
                .into_iter()
                .map(str::to_owned)
                .collect();
        let users: Vec<String> =
            matches::split_list(line.value(col::USER), "User/Group", col::USER)
                .map_err(|it| p.fail(&here, it))?
                .into_iter()
                .map(str::to_owned)
                .collect();
        for proto in &protos {
            for user in &users {
                let mut merged = merged.clone();
                let mut from = from_invocation.clone();
                let (value, from_proto) = merge_column(proto, &cols[col::PROTO]);
                merged[col::PROTO] = value.into();
                from[col::PROTO] = from_proto;
                let (value, from_user) = merge_column(user, &cols[col::USER]);
                merged[col::USER] = value.into();
                from[col::USER] = from_user;
                let here = body_place(p, place, &line, &from, format!("action {name}"));
                p.raw.push(line.raw_matches.clone().unwrap_or_default());
                let res = process_rule(p, Some(&inner), &here, &merged, param, wildcard);
                p.raw.pop();
                generated |= res?;
            }
        }
    }
    Ok(generated)
}

/// The parameters after `DEFAULTS` (`default_action_params`).
fn with_defaults(params: &[Value], defaults: &[String]) -> Vec<Value> {
    let mut res = params.to_vec();
    for (idx, default) in defaults.iter().enumerate() {
        match res.get_mut(idx) {
            Some(Value::Known(current)) if current.is_empty() => *current = default.clone(),
            Some(_) => {}
            None => {
                while res.len() < idx {
                    res.push(Value::Known(String::new()));
                }
                res.push(Value::Known(default.clone()));
            }
        }
    }
    res
}

/// The rule a `state=` action (Invalid, Established, ...) makes at its DEFAULTS line
/// (`perl_action_helper` with the state match), when its section lets it match.
fn state_rule(
    p: &mut Proc<'_, '_>,
    frame: &Frame,
    place: &Place,
    state: &str,
    params: &[Value],
    cols: &Columns,
    nolog: bool,
) -> Flow<bool> {
    if check_state(p, frame.in_action, state) == 0 {
        return Ok(false);
    }
    let target = match params.first() {
        Some(Value::Known(it)) if !it.is_empty() => it.clone(),
        _ => return Ok(false),
    };
    let target = if nolog {
        target
    } else {
        merge_levels(
            &format!("{}:{}:{}", frame.chain, frame.loglevel, frame.logtag),
            &target,
        )
    };
    let mut cols = cols.clone();
    cols[col::ACTION] = target.into();
    process_rule(p, Some(frame), place, &cols, "", false)
}

/// `check_state`: 0 when a rule matching `state` cannot match in the current section, else 1
/// or 2.
fn check_state(p: &Proc<'_, '_>, in_chain: bool, state: &str) -> u8 {
    let section = p.section;
    if section == Section::Blacklist {
        let states = p.ctx.model.settings.get("BLACKLIST");
        if states == "ALL" {
            return 1;
        }
        if states == state {
            return 2;
        }
        return u8::from(states.split(',').any(|it| it == state));
    }
    if in_chain {
        return 1;
    }
    // Rules of these sections go to a state chain (`+net-fw`, `_net-fw`, `&net-fw`).
    if matches!(
        section,
        Section::Related | Section::Invalid | Section::Untracked
    ) {
        return if section.name() == state { 2 } else { 0 };
    }
    let fastaccept = p.ctx.model.settings.is_yes("FASTACCEPT");
    let finished = |which: Section| -> bool {
        p.closed_sections().contains(&which)
            || (fastaccept && which == Section::Established)
            || (fastaccept
                && which == Section::Related
                && p.ctx.model.settings.get("RELATED_DISPOSITION") == "ACCEPT"
                && p.ctx.model.settings.get("RELATED_LOG_LEVEL").is_empty())
    };
    if state == "ESTABLISHED" {
        if finished(Section::Established) {
            return 0;
        }
        return if section == Section::Established {
            2
        } else {
            1
        };
    }
    let own_target = match state {
        "RELATED" => p.ctx.model.settings.get("RELATED_DISPOSITION") != "CONTINUE",
        "INVALID" => p.ctx.model.settings.get("INVALID_DISPOSITION") != "CONTINUE",
        "UNTRACKED" => p.ctx.model.settings.get("UNTRACKED_DISPOSITION") != "CONTINUE",
        _ => false,
    };
    if own_target {
        if let Some(which) = Section::from_name(state) {
            if finished(which) {
                return 0;
            }
        }
    }
    if section == Section::New {
        if state == "NEW" {
            return 2;
        }
        return u8::from(state == "INVALID" || state == "UNTRACKED");
    }
    if section.name() == state {
        2
    } else {
        1
    }
}

/// `normalize_action`: the invocation's identity (`action:level:tag:caller:params`).
fn normalize_action(p: &Proc<'_, '_>, name: &str, loglevel: &str, param: &str) -> String {
    let (level, tag) = match loglevel.split_once(':') {
        Some((level, tag)) => (level, tag),
        None => (loglevel, ""),
    };
    let logjump = p
        .ctx
        .model
        .catalog
        .action(name)
        .is_some_and(|it| it.has_option("logjump"));
    let level = if logjump || level.is_empty() {
        "none"
    } else {
        level
    };
    let mut param = param.to_owned();
    while let Some(stripped) = param.strip_suffix(",-") {
        param = stripped.to_owned();
    }
    if param == "-" {
        param.clear();
    }
    format!("{name}:{level}:{tag}::{param}")
}

/// `process_action`: a (non-inline) action's body, read once per distinct invocation, its rules
/// going to the action's chain.
#[allow(clippy::too_many_arguments)]
pub(super) fn process_action(
    p: &mut Proc<'_, '_>,
    _frame: Option<&Frame>,
    place: &Place,
    name: &str,
    loglevel: &str,
    param: &str,
    _caller_chain: &str,
) -> Flow {
    let Some(def) = p.ctx.model.catalog.action(name).cloned() else {
        return Ok(());
    };
    // The rules and blrules files fill filter-table chains; an action declared for another
    // table is refused at its invocation, before its body is read.
    for (option, file) in [("mangle", "mangle"), ("nat", "snat")] {
        if def.has_option(option) {
            return Err(p.fail(
                place,
                Problem::new(
                    col::ACTION,
                    "invalid-action",
                    format!("Action {name} may only be used in the {file} file"),
                ),
            ));
        }
    }
    let mut param = param.to_owned();
    if def.has_option("section") {
        let section = p.section.name();
        param = if param.is_empty() {
            section.to_owned()
        } else {
            format!("{section},{param}")
        };
    }
    let normalized = normalize_action(p, name, loglevel, &param);
    if p.active.iter().any(|it| it == name) {
        let mut chain: Vec<String> = p.active.clone();
        chain.push(name.to_owned());
        return Err(p.fail(
            place,
            Problem::new(
                col::ACTION,
                "invalid-action",
                format!("Action {name} invoked Recursively ({})", chain.join("->")),
            ),
        ));
    }
    if !p.used.insert(normalized) {
        return Ok(());
    }
    let Some(file) = def.file else {
        return Ok(());
    };
    let (level, tag) = match loglevel.split_once(':') {
        Some((level, tag)) => (level.to_owned(), tag.to_owned()),
        None => (loglevel.to_owned(), String::new()),
    };
    if !level.is_empty() && level != "none" {
        super::check_level(p, place, &level)?;
    }
    let level = if level.is_empty() {
        "none".to_owned()
    } else {
        level
    };
    let mut params = action_params(&param);
    setup_audit_action(p, place, name, &def, &mut params)?;
    perl_action_checks(p, place, name, &def, &params, &level, &tag)?;
    let nolog = def.has_option("nolog") || def.has_option("logjump");
    let frame = Frame {
        params: params.clone(),
        loglevel: level.clone(),
        logtag: tag.clone(),
        chain: name.to_owned(),
        in_chain: true,
        in_action: true,
    };
    let events = read_body(p, file, Some(&frame), name, place.line);
    p.active.push(name.to_owned());
    for event in events {
        let line = match event {
            Event::Record(line) => line,
            Event::Defaults { args, site } => {
                if let Some(state) = def.state() {
                    let params = with_defaults(&params, &args);
                    let mut here = place.clone();
                    if super::is_config_file(p.ctx, site.file) {
                        here.cols = vec![site; col::COUNT];
                    }
                    here.trail.push((format!("action {name}"), site));
                    let dashes: Columns = vec![Cow::Borrowed("-"); col::COUNT];
                    let _ = state_rule(p, &frame, &here, state, &params, &dashes, nolog);
                }
                continue;
            }
            Event::Section { .. } => continue,
        };
        let no_merge = vec![false; col::COUNT];
        let here = body_place(p, place, &line, &no_merge, format!("action {name}"));
        let target = line.value(col::ACTION).to_owned();
        if target == "-" {
            p.fail(
                &here,
                Problem::new(col::ACTION, "invalid-action", "TARGET must be specified"),
            );
            continue;
        }
        let target = if nolog {
            target
        } else {
            merge_levels(&format!("{}:{level}:{tag}", frame.chain), &target)
        };
        let protos = match matches::split_list(line.value(col::PROTO), "Protocol", col::PROTO) {
            Ok(it) => it.into_iter().map(str::to_owned).collect::<Vec<_>>(),
            Err(problem) => {
                p.fail(&here, problem);
                continue;
            }
        };
        let users = match matches::split_list(line.value(col::USER), "User/Group", col::USER) {
            Ok(it) => it.into_iter().map(str::to_owned).collect::<Vec<_>>(),
            Err(problem) => {
                p.fail(&here, problem);
                continue;
            }
        };
        'line: for proto in &protos {
            for user in &users {
                let mut cols: Columns = (0..col::COUNT)
                    .map(|idx| Cow::Borrowed(line.value(idx)))
                    .collect();
                cols[col::ACTION] = Cow::Borrowed(&target);
                cols[col::PROTO] = Cow::Borrowed(proto);
                cols[col::USER] = Cow::Borrowed(user);
                // The action's chain: the invocation's raw matches stay with the jump.
                let outer = std::mem::replace(
                    &mut p.raw,
                    vec![line.raw_matches.clone().unwrap_or_default()],
                );
                let res = process_rule(p, Some(&frame), &here, &cols, "", false);
                p.raw = outer;
                if res.is_err() {
                    break 'line;
                }
            }
        }
    }
    p.active.pop();
    Ok(())
}

/// `determine_action_protocol`.
pub(super) fn determine_action_protocol(
    p: &mut Proc<'_, '_>,
    place: &Place,
    name: &str,
    proto: &str,
) -> Flow<String> {
    let action_proto = p
        .ctx
        .model
        .catalog
        .action(name)
        .and_then(|it| it.proto().map(str::to_owned));
    let Some(action_proto) = action_proto else {
        return Ok(proto.to_owned());
    };
    let env = p.env();
    let Ok(Some(action_number)) = resolve_proto(&env, &action_proto, col::PROTO) else {
        return Ok(proto.to_owned());
    };
    if proto == "-" {
        return Ok(action_number.to_string());
    }
    let check: Check<String> = match resolve_proto(&env, proto, col::PROTO) {
        Ok(Some(number)) if number == action_number => Ok(number.to_string()),
        Ok(Some(_)) => Err(Problem::new(
            col::PROTO,
            "unknown-protocol",
            format!(
                "The {name} action is only usable with {}",
                proto_name(&env, &action_number.to_string())
            ),
        )),
        Ok(None) => Err(Problem::new(
            col::PROTO,
            "unknown-protocol",
            format!("Unknown protocol ({proto})"),
        )),
        Err(problem) => Err(problem),
    };
    check.map_err(|it| p.fail(place, it))
}

/// `determine_action_dport`.
pub(super) fn determine_action_dport(
    p: &mut Proc<'_, '_>,
    place: &Place,
    name: &str,
    proto: &str,
    dport: &str,
) -> Flow<String> {
    let action_dport = p
        .ctx
        .model
        .catalog
        .action(name)
        .and_then(|it| it.dport().map(str::to_owned));
    let Some(action_dport) = action_dport else {
        return Ok(dport.to_owned());
    };
    if dport == "-" {
        return Ok(action_dport);
    }
    if dport.contains(',') {
        return Err(p.fail(
            place,
            Problem::new(
                col::DPORT,
                "invalid-port",
                format!("The {name} action is only usable with destination port {action_dport}"),
            ),
        ));
    }
    let env = p.env();
    let check = validate_port(&env, proto, dport, col::DPORT);
    check
        .map(|it| it.to_string())
        .map_err(|it| p.fail(place, it))
}

/// The target of the rule the Perl body of a standard SetEvent or ResetEvent adds: the ACTION
/// parameter (ACCEPT by default), unless it is a NAT rule (which adds two) or unknown.
fn perl_helper_target(
    p: &mut Proc<'_, '_>,
    name: &str,
    def: &catalog::ActionDef,
    params: &[Value],
) -> Option<String> {
    if !matches!(name, "SetEvent" | "ResetEvent") {
        return None;
    }
    let standard = def
        .file
        .and_then(|it| p.ctx.model.files.get(it))
        .is_some_and(|it| it.origin != Origin::Config);
    if !standard {
        return None;
    }
    let target = match params.get(1) {
        Some(Value::Known(it)) if !it.is_empty() && it != "-" => it.clone(),
        Some(Value::Unknown) => return None,
        _ => "ACCEPT".to_owned(),
    };
    let basic = super::isolate_basic_target(&target);
    let kind = target_type(p.ctx, &basic)?;
    (kind & (flags::STANDARD) != 0 && kind & flags::NATRULE == 0).then_some(target)
}

/// `setup_audit_action`: an action declared with the `audit` option takes `audit` as its
/// second parameter, which turns the first (ACCEPT, DROP or REJECT) into its `A_` form.
fn setup_audit_action(
    p: &mut Proc<'_, '_>,
    place: &Place,
    name: &str,
    def: &catalog::ActionDef,
    params: &mut Vec<Value>,
) -> Flow {
    if !def.has_option("audit") {
        return Ok(());
    }
    // `get_action_params` maps `-` (a `--` argument) to empty once more.
    let param = |value: Option<&Value>| match value {
        Some(Value::Known(it)) if it == "-" => Some(String::new()),
        Some(Value::Known(it)) => Some(it.clone()),
        Some(Value::Unknown) => None,
        None => Some(String::new()),
    };
    let (Some(target), Some(audit)) = (param(params.first()), param(params.get(1))) else {
        return Ok(());
    };
    if audit.is_empty() {
        return Ok(());
    }
    let problem = |message: String| Problem::new(col::ACTION, "invalid-action", message);
    if audit != "audit" {
        return Err(p.fail(
            place,
            problem(format!("Invalid parameter ({audit}) to action {name}")),
        ));
    }
    let basic = target.strip_prefix("A_").unwrap_or(&target);
    let audited = ["ACCEPT", "DROP", "REJECT"].iter().any(|it| {
        basic
            .strip_prefix(it)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    });
    if !audited {
        return Err(p.fail(
            place,
            problem("Only ACCEPT, DROP and REJECT may be audited".to_owned()),
        ));
    }
    if !target.starts_with("A_") {
        let audited = Value::Known(format!("A_{target}"));
        match params.first_mut() {
            Some(first) => *first = audited,
            None => params.push(audited),
        }
    }
    Ok(())
}

/// The checks the Perl bodies of standard actions make on their parameters.
fn perl_action_checks(
    p: &mut Proc<'_, '_>,
    place: &Place,
    name: &str,
    def: &catalog::ActionDef,
    params: &[Value],
    level: &str,
    tag: &str,
) -> Flow {
    let standard = def
        .file
        .and_then(|it| p.ctx.model.files.get(it))
        .is_some_and(|it| it.origin != Origin::Config);
    if !standard {
        return Ok(());
    }
    let param = |idx: usize| -> String {
        match params.get(idx) {
            Some(Value::Known(it)) => it.clone(),
            _ => String::new(),
        }
    };
    let problem = |message: String| Problem::new(col::ACTION, "invalid-action", message);
    let v6 = p.ctx.model.family == Family::Ipv6;
    let result: Check = match name {
        "Limit" => {
            let mut values: Vec<String> = (0..3).map(param).collect();
            if values.iter().all(String::is_empty) {
                values = tag.split(',').map(str::to_owned).collect();
            }
            if values.len() != 3 || tag.is_empty() && params.is_empty() {
                Err(problem(
                    "Limit rules must include <set name>,<max connections>,<interval> as the log tag or as parameters".to_owned(),
                ))
            } else if values[1..]
                .iter()
                .any(|it| it.is_empty() || !it.bytes().all(|b| b.is_ascii_digit()))
            {
                let level = if level.is_empty() { "none" } else { level };
                Err(problem(format!(
                    "Max connections and interval in Limit rules must be numeric (Limit:{level}:{tag})"
                )))
            } else {
                p.env()
                    .require(col::ACTION, "RECENT_MATCH", "Limit rules", "")
            }
        }
        "Broadcast" | "Multicast" if v6 || !p.ctx.model.capabilities.has("ADDRTYPE") => {
            let audit = param(1);
            if !audit.is_empty() && audit != "audit" {
                Err(problem(format!("Invalid parameter to action {name}")))
            } else {
                Ok(())
            }
        }
        "DropSmurfs" => {
            let audit = param(0);
            if !audit.is_empty() && audit != "audit" {
                Err(problem(format!("Invalid argument ({audit}) to DropSmurfs")))
            } else {
                Ok(())
            }
        }
        "SetEvent" | "ResetEvent" | "IfEvent" => {
            let event = param(0);
            let env = p.env();
            let destination_idx = match name {
                "IfEvent" => 4,
                _ => 2,
            };
            let destination = {
                let it = param(destination_idx);
                if it.is_empty() {
                    "src".to_owned()
                } else {
                    it
                }
            };
            env.require(col::ACTION, "RECENT_MATCH", "Use of events", "s")
                .and_then(|()| {
                    if event.is_empty() {
                        return Err(problem("An event name is required".to_owned()));
                    }
                    let valid = event
                        .chars()
                        .next()
                        .is_some_and(|it| it.is_ascii_alphabetic() || "[\\]^_`".contains(it))
                        && event
                            .chars()
                            .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
                    if !valid {
                        return Err(problem(format!("Invalid event name ({event})")));
                    }
                    if destination != "src" && destination != "dst" {
                        return Err(problem(format!("Invalid Src or Dest ({destination})")));
                    }
                    Ok(())
                })
        }
        "AutoBL" => {
            if param(0).is_empty() {
                Err(problem(
                    "The event name parameter to AutoBL is required".to_owned(),
                ))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    };
    result.map_err(|it| p.fail(place, it))
}

/// What `handle_nat_rule` returns: the server and the server port, if any.
pub(super) struct Nat {
    pub(super) server: String,
    pub(super) port: Option<String>,
}

/// `handle_nat_rule`: checks the DEST of a DNAT or REDIRECT (`server[:port]`).
#[allow(clippy::too_many_arguments)]
pub(super) fn handle_nat_rule(
    hosts: &hosts::Hosts<'_>,
    dest: &str,
    proto: &str,
    ports: &str,
    origdest: &str,
    action: &str,
    actiontype: u32,
    in_action: bool,
) -> Check<Nat> {
    let env = hosts.env;
    let problem = |message: String| Problem::new(col::DEST, "invalid-address", message);
    let dest = dest.strip_suffix(":random").unwrap_or(dest);
    let mut server = String::new();
    let mut serverport = String::new();
    let split = match env.family {
        Family::Ipv4 => dest
            .rfind(':')
            .filter(|idx| idx + 1 < dest.len())
            .map(|idx| (&dest[..idx], &dest[idx + 1..])),
        Family::Ipv6 => dest.strip_prefix('[').and_then(|rest| {
            let idx = rest.rfind("]:")?;
            let port = &rest[idx + 2..];
            (!port.is_empty()).then(|| (&rest[..idx], port))
        }),
    };
    if let Some((host, port)) = split {
        server = host.to_owned();
        serverport = port.to_owned();
        let base = proto.split(':').next().unwrap_or("");
        if resolve_proto(env, base, col::PROTO)? == Some(matches::UDPLITE) {
            env.require(
                col::DEST,
                "UDPLITEREDIRECT",
                "UDPLITE Port Redirection",
                "s",
            )?;
        }
        if !ports.is_empty() && ports != "-" && port_count(ports) == 1 {
            validate_port(env, proto, ports, col::DPORT)?;
        }
        let pname = proto_name(env, proto);
        if let Some((low, high)) = serverport.split_once('-') {
            if low.bytes().all(|b| b.is_ascii_digit())
                && high.bytes().all(|b| b.is_ascii_digit())
                && !low.is_empty()
                && !high.is_empty()
            {
                if low.parse::<u64>().unwrap_or(0) >= high.parse::<u64>().unwrap_or(0) {
                    return Err(Problem::new(
                        col::DEST,
                        "invalid-port-range",
                        format!("Invalid port range ({serverport})"),
                    ));
                }
                validate_port(env, &pname, low, col::DEST)?;
                validate_port(env, &pname, high, col::DEST)?;
            } else {
                validate_port(env, &pname, &serverport, col::DEST)?;
            }
        } else {
            validate_port(env, &pname, &serverport, col::DEST)?;
        }
    } else if dest != ":" {
        server = dest.to_owned();
    }
    if server.contains(',') {
        return Err(problem(format!(
            "An address list ({server}) is not allowed in the DEST column of a {action} RULE"
        )));
    }
    let (allip, nilip) = match env.family {
        Family::Ipv4 => ("0.0.0.0/0", "0.0.0.0"),
        Family::Ipv6 => ("::/0", "::"),
    };
    if action == "REDIRECT" {
        if !server.is_empty() {
            return Err(problem(format!(
                "A server IP address ({server}) may not be specified in a REDIRECT rule"
            )));
        }
        if origdest == "detect" && in_action {
            return Err(Problem::new(
                col::ORIGDEST,
                "invalid-address",
                "ORIGINAL DEST \"detect\" is invalid in an action",
            ));
        }
    } else if actiontype & flags::ACTION != 0 {
        if !serverport.is_empty() {
            return Err(problem(format!(
                "A server port ({serverport}) is not allowed in {action} rule"
            )));
        }
    } else if server.is_empty() {
        if serverport.is_empty() {
            return Err(problem(format!(
                "A server and/or port must be specified in the DEST column in {action} rules"
            )));
        }
    } else if let Some((low, high)) = range_split(&server, env.family) {
        crate::model::address::validate_range(&low, &high, env.family).map_err(problem)?;
    } else if server == allip || server == nilip {
        return Err(problem("Invalid or missing server IP address".to_owned()));
    } else {
        let inner = match env.family {
            Family::Ipv6 => server
                .strip_prefix('[')
                .and_then(|it| it.strip_suffix(']'))
                .unwrap_or(&server)
                .to_owned(),
            Family::Ipv4 => server.clone(),
        };
        if inner == allip || inner == nilip {
            return Err(problem(format!("Invalid server IP address ({inner})")));
        }
        if let Some(interface) = inner.strip_prefix(['&', '%']) {
            if !hosts.known_interface(interface)? {
                return Err(Problem::new(
                    col::DEST,
                    "unknown-interface",
                    format!(
                        "Unknown interface address variable ({}{interface})",
                        &inner[..1]
                    ),
                ));
            }
        } else {
            crate::model::address::validate_address(&inner, env.family, true).map_err(problem)?;
        }
        server = inner;
    }
    Ok(Nat {
        server,
        port: (!serverport.is_empty()).then(|| serverport.replacen('-', ":", 1)),
    })
}

/// `^(.+)-(.+)$` in a server address (IPv6: `[a]-[b]` too).
fn range_split(server: &str, family: Family) -> Option<(String, String)> {
    let idx = server.rfind('-')?;
    let (low, high) = (&server[..idx], &server[idx + 1..]);
    if low.is_empty() || high.is_empty() {
        return None;
    }
    match family {
        Family::Ipv4 => Some((low.to_owned(), high.to_owned())),
        Family::Ipv6 => {
            let inner = server
                .strip_prefix('[')
                .and_then(|it| it.strip_suffix(']'))
                .map(|it| it.replacen("]-[", "-", 1));
            match inner {
                Some(inner) => {
                    let (a, b) = inner.rsplit_once('-')?;
                    Some((a.to_owned(), b.to_owned()))
                }
                None => Some((low.to_owned(), high.to_owned())),
            }
        }
    }
}
