//! The ACTION column: `TARGET[+|-|!][(params)][/MACRO_TARGET][:level[!][:tag]]`, and the policy
//! column `POLICY[:default-action,...]`.

use crate::{
    parser::Parser,
    SyntaxKind::{self, *},
};

/// `ACCEPT`, `ACCEPT!`, `SSH(ACCEPT):info`, `SSH/ACCEPT`, `Limit(net,3,60)`, `NFQUEUE(0)`,
/// `LOG:NFLOG(5)`, `ACCEPT:info:tag`, `$1`.
pub(super) fn action_spec(p: &mut Parser<'_>) {
    p.start_node(ACTION_SPEC);
    action_name(p);
    if p.at(L_PAREN) {
        action_params(p);
        // A suffix after the parameters (`Limit(x)!`) belongs to the action too.
        while matches!(p.current(), PLUS | DASH | BANG) {
            p.bump();
        }
    }
    if p.at(SLASH) {
        p.start_node(MACRO_TARGET);
        p.bump();
        action_name(p);
        if p.at(L_PAREN) {
            action_params(p);
        }
        p.finish_node();
    }
    if p.at(COLON) {
        log_spec(p);
    }
    if !p.at_end() {
        p.err_rest("unexpected text in the action");
    }
    p.finish_node();
}

/// The name of an action: words, parameter references and the suffixes `+`, `-`, `!`.
fn action_name(p: &mut Parser<'_>) {
    p.start_node(ACTION_NAME);
    while !p.at_end() && !matches!(p.current(), L_PAREN | R_PAREN | COLON | SLASH | COMMA) {
        p.bump();
    }
    p.finish_node();
}

/// `(arg, arg, ...)`: each argument is itself an action spec when it starts like one, as the
/// target of a macro does (`SSH(ACCEPT:info)`).
fn action_params(p: &mut Parser<'_>) {
    p.start_node(ACTION_PARAMS);
    p.bump();
    loop {
        let (end, stop) = arg_end(p);
        p.start_node(ACTION_ARG);
        p.with_limit(end, |p| {
            if matches!(p.current(), WORD | DOLLAR_REF) {
                action_spec(p);
            } else {
                p.bump_rest();
            }
        });
        p.finish_node();
        match stop {
            Some(COMMA) => p.bump(),
            Some(R_PAREN) => {
                p.bump();
                break;
            }
            _ => {
                p.error_here("missing ')' to close the action parameters");
                break;
            }
        }
    }
    p.finish_node();
}

/// The end of the current argument: the next `,` or `)` at depth 0.
fn arg_end(p: &Parser<'_>) -> (usize, Option<SyntaxKind>) {
    let mut depth = 0usize;
    for idx in p.significant_indices() {
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

/// `:level[!][:tag]`.
fn log_spec(p: &mut Parser<'_>) {
    p.start_node(LOG_SPEC);
    p.bump();
    log_level(p);
    if p.at(COLON) {
        p.bump();
        p.start_node(LOG_TAG);
        p.bump_rest();
        p.finish_node();
    }
    p.finish_node();
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
    log_level(p);
    if p.at(COLON) {
        p.bump();
        p.start_node(LOG_TAG);
        p.bump_rest();
        p.finish_node();
    }
    p.finish_node();
}

/// The POLICY column: `ACCEPT`, `NFQUEUE(0)`, `DROP:AllowICMPs,Broadcast(DROP)`, `REJECT:None`.
pub(super) fn policy_spec(p: &mut Parser<'_>) {
    p.start_node(ACTION_SPEC);
    action_name(p);
    if p.at(L_PAREN) {
        action_params(p);
    }
    if p.eat(COLON) {
        // The default actions, each one an action spec.
        while !p.at_end() {
            if p.eat(COMMA) {
                continue;
            }
            let end = super::column::next_comma(p);
            p.start_node(ACTION_ARG);
            p.with_limit(end, action_spec);
            p.finish_node();
        }
    }
    if !p.at_end() {
        p.err_rest("unexpected text in the policy");
    }
    p.finish_node();
}
