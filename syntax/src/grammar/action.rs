//! The ACTION column: `TARGET[+|-|!][(params)][/MACRO_TARGET][:level[!][:tag]]`, and the policy
//! column `POLICY[:default-action,...]`.

use crate::{
    parser::Parser,
    SyntaxKind::{self, *},
};

/// Built-in targets whose parameters are not actions: their arguments stay plain tokens, where
/// a macro's or an action's argument that looks like an action (`SSH(ACCEPT:info)`,
/// `Broadcast(DROP)`) is parsed as one.
const PLAIN_PARAMS: &[&str] = &[
    "ADD",
    "AUDIT",
    "CONNMARK",
    "CT",
    "DEL",
    "IP6TABLES",
    "IPTABLES",
    "Limit",
    "MARK",
    "MASQUERADE",
    "NFLOG",
    "NFQUEUE",
    "REJECT",
    "SNAT",
    "TARPIT",
    "ULOG",
];

/// How deep arguments are parsed as actions (`A(B(C(...)))`); deeper ones stay plain tokens, so
/// that no input can nest the tree (or the parser's recursion) without bound. Shorewall itself
/// nests macros at most 10 deep.
const MAX_NESTING: u32 = 10;

/// `ACCEPT`, `ACCEPT!`, `SSH(ACCEPT):info`, `SSH/ACCEPT`, `Limit(net,3,60)`, `NFQUEUE(0)`,
/// `LOG:NFLOG(5)`, `ACCEPT:info:tag`, `Action:none!`, `$1`.
pub(super) fn action_spec(p: &mut Parser<'_>) {
    spec(p, 0);
    if !p.at_end() {
        p.err_rest("unexpected text in the action");
    }
}

fn spec(p: &mut Parser<'_>, depth: u32) {
    p.start_node(ACTION_SPEC);
    let name = action_name(p);
    if p.at(L_PAREN) {
        let nested = depth < MAX_NESTING && !PLAIN_PARAMS.contains(&name);
        action_params(p, nested.then_some(depth + 1));
        // A suffix after the parameters (`Limit(x)!`) belongs to the action too.
        while matches!(p.current(), PLUS | DASH | BANG) {
            p.bump();
        }
    }
    if p.at(SLASH) {
        p.start_node(MACRO_TARGET);
        p.bump();
        let name = action_name(p);
        if p.at(L_PAREN) {
            let nested = depth < MAX_NESTING && !PLAIN_PARAMS.contains(&name);
            action_params(p, nested.then_some(depth + 1));
        }
        p.finish_node();
    }
    if p.at(COLON) {
        log_spec(p);
    }
    p.finish_node();
}

/// The name of an action: words, parameter references and the suffixes `+`, `-`, `!`. Returns
/// the name's first token, which says whether the parameters are actions.
fn action_name<'t>(p: &mut Parser<'t>) -> &'t str {
    let first = p.current_text();
    p.start_node(ACTION_NAME);
    while !p.at_end() && !matches!(p.current(), L_PAREN | R_PAREN | COLON | SLASH | COMMA) {
        p.bump();
    }
    p.finish_node();
    first
}

/// `(arg, arg, ...)`: an argument that looks like an action is parsed as one, at `nested`
/// depth, when that is given.
fn action_params(p: &mut Parser<'_>, nested: Option<u32>) {
    p.start_node(ACTION_PARAMS);
    p.bump();
    loop {
        let (end, stop) = arg_end(p);
        p.start_node(ACTION_ARG);
        p.with_limit(end, |p| {
            match nested {
                Some(depth) if looks_like_action(p) => spec(p, depth),
                _ => {}
            }
            p.bump_rest();
        });
        p.finish_node();
        match stop {
            Some(COMMA) => p.bump(),
            Some(_) => {
                p.bump();
                break;
            }
            // The record reports the unbalanced parenthesis.
            None => break,
        }
    }
    p.finish_node();
}

/// The end of the current argument: the next `,` or `)` at depth 0.
fn arg_end(p: &Parser<'_>) -> (usize, Option<SyntaxKind>) {
    let mut depth = 0usize;
    for idx in p.sig() {
        match p.token_kind(idx) {
            L_PAREN => depth += 1,
            R_PAREN if depth == 0 => return (idx, Some(R_PAREN)),
            R_PAREN => depth -= 1,
            COMMA if depth == 0 => return (idx, Some(COMMA)),
            _ => {}
        }
    }
    (p.limit(), None)
}

/// An argument shaped like an action: a name that starts with a letter, `_` or `$`, then only
/// what an action spec is made of.
fn looks_like_action(p: &Parser<'_>) -> bool {
    let mut sig = p.sig();
    let starts_well = sig.next().is_some_and(|idx| match p.token_kind(idx) {
        WORD => p
            .token_text(idx)
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'),
        DOLLAR_REF => true,
        _ => false,
    });
    starts_well
        && sig.all(|idx| {
            matches!(
                p.token_kind(idx),
                WORD | DOLLAR_REF | COLON | BANG | PLUS | DASH | SLASH | L_PAREN | R_PAREN | COMMA
            )
        })
}

/// `:level[!][:tag]`.
fn log_spec(p: &mut Parser<'_>) {
    p.start_node(LOG_SPEC);
    p.bump();
    log_level_and_tag(p);
    p.finish_node();
}

fn log_level_and_tag(p: &mut Parser<'_>) {
    log_level(p);
    if p.at(COLON) {
        p.bump();
        p.start_node(LOG_TAG);
        p.bump_rest();
        p.finish_node();
    }
}

/// A log level: `info`, `6`, `NFLOG(5)`, `ULOG`, `none`, `$LOG_LEVEL`, with an optional `!`.
fn log_level(p: &mut Parser<'_>) {
    p.start_node(LOG_LEVEL);
    let mut depth = 0usize;
    while !p.at_end() {
        match p.current() {
            COLON if depth == 0 => break,
            L_PAREN => depth += 1,
            R_PAREN => depth = depth.saturating_sub(1),
            _ => {}
        }
        p.bump();
    }
    p.finish_node();
}

/// The policy LOGLEVEL column: `level[:tag]`.
pub(super) fn log_level_column(p: &mut Parser<'_>) {
    p.start_node(LOG_SPEC);
    log_level_and_tag(p);
    p.finish_node();
}

/// The POLICY column: `ACCEPT`, `NFQUEUE(0)`, `DROP:AllowICMPs,Broadcast(DROP)`, `REJECT:None`.
pub(super) fn policy_spec(p: &mut Parser<'_>) {
    p.start_node(ACTION_SPEC);
    let name = action_name(p);
    if p.at(L_PAREN) {
        action_params(p, (!PLAIN_PARAMS.contains(&name)).then_some(1));
    }
    if p.eat(COLON) {
        // The default actions, each one an action spec.
        while !p.at_end() {
            if p.eat(COMMA) {
                continue;
            }
            let end = super::column::next_comma(p);
            p.start_node(ACTION_ARG);
            p.with_limit(end, |p| {
                spec(p, 1);
                p.bump_rest();
            });
            p.finish_node();
        }
    }
    if !p.at_end() {
        p.err_rest("unexpected text in the policy");
    }
    p.finish_node();
}
