//! The list of rules after macro expansion that the compiler reads ([`Rule`]): each record of
//! rules and blrules, a macro invocation replaced by its body's lines with the invocation's
//! columns merged in (`process_macro`), zone lists left as written.

use crate::model::{
    catalog::{self, flags},
    expand::UNKNOWN,
    reader::{self, Event, Line, ReadOptions},
};

use super::{
    bodies::{merge_levels, merge_source_dest},
    col, split_action, target_param, target_type, Proc, Rule,
};

const MAX_NEST: usize = 10;

/// Adds the rules of one record to `model.rules`.
pub(super) fn push(p: &mut Proc<'_, '_>, line: &Line) {
    if !line.has(col::ACTION) {
        return;
    }
    let columns: Vec<String> = (0..col::COUNT)
        .map(|idx| line.value(idx).to_owned())
        .collect();
    let rule = Rule {
        site: line.site,
        macro_sites: Vec::new(),
        section: p.next_section,
        has_unknown: columns.iter().any(|it| it.contains(UNKNOWN)),
        columns,
        comment: line.comment.clone(),
        raw_matches: line.raw_matches.clone(),
    };
    expand(p, rule, None, 0);
}

fn expand(p: &mut Proc<'_, '_>, rule: Rule, inherited: Option<String>, depth: usize) {
    let action = rule.column(col::ACTION).to_owned();
    if action.contains(UNKNOWN) || depth >= MAX_NEST {
        p.ctx.model.rules.push(rule);
        return;
    }
    let parts = split_action(&action);
    let (basic, param) = target_param(&parts[0]);
    let is_macro = target_type(p.ctx, &basic).is_some_and(|it| it & flags::MACRO != 0);
    if !is_macro {
        p.ctx.model.rules.push(rule);
        return;
    }
    let Some(file) = catalog::find_macro(p.ctx, &basic) else {
        return;
    };
    let mut param = param
        .filter(|it| !it.is_empty() && it != "PARAM")
        .or(inherited);
    let events = reader::read(p.ctx, file, ReadOptions::default());
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
        let mtarget = line.value(col::ACTION).to_owned();
        if mtarget == "-" {
            continue;
        }
        if mtarget == "DEFAULT" || mtarget == "DEFAULTS" {
            if param.is_none() {
                param = Some(line.value(col::SOURCE).to_owned()).filter(|it| it != "-");
            }
            continue;
        }
        let mut mtarget = merge_levels(&action, &mtarget);
        if mtarget == "PARAM" || mtarget.starts_with("PARAM:") {
            let Some(param) = &param else { continue };
            mtarget = match mtarget.split_once(':') {
                Some((_, log)) => format!("{param}:{}", log.trim_end_matches('/')),
                None => param.clone(),
            };
        }
        let mut columns = vec!["-".to_owned(); col::COUNT];
        columns[col::ACTION] = mtarget;
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
        for (idx, column) in columns.iter_mut().enumerate().skip(col::PROTO) {
            let invocation = rule.column(idx);
            *column = if invocation != "-" {
                invocation.to_owned()
            } else {
                line.value(idx).to_owned()
            };
        }
        let comment = if p.ctx.model.settings.is_yes("AUTOCOMMENT") && rule.comment.is_none() {
            Some(basic.clone())
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
        expand(p, expanded, param.clone(), depth + 1);
    }
}
