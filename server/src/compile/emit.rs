//! The ip6tables-restore text of a [`Ruleset`], in Shorewall 5.2.8's exact format: tables in
//! order, each declaring its built-in chains with their policy and then its other chains,
//! followed by the rules of every chain in the same order and `COMMIT`.
//!
//! Rules produced by shell code at run time ([`Mode::Shell`]) print nothing: the loops
//! Shorewall generates iterate over run-time values that are empty offline, which is also
//! what `compile6` prints.

use std::fmt::Write;

use super::ir::{key_kind, Chain, KeyKind, Mode, Rule, Ruleset};

/// Options of the text output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmitOptions {
    /// Precede each rule with a `# file:line` comment naming where it comes from.
    pub annotate: bool,
}

/// The restore text of `ruleset`.
pub fn emit(ruleset: &Ruleset, options: EmitOptions) -> String {
    let mut out = String::new();
    for table in &ruleset.tables {
        let _ = writeln!(out, "*{}", table.name);
        for chain in &table.chains {
            let _ = writeln!(
                out,
                ":{} {} [0:0]",
                chain.name,
                chain.policy.as_deref().unwrap_or("-")
            );
        }
        for chain in &table.chains {
            emit_chain(&mut out, chain, options);
        }
        out.push_str("COMMIT\n");
    }
    out
}

fn emit_chain(out: &mut String, chain: &Chain, options: EmitOptions) {
    for rule in &chain.rules {
        if rule.mode != Mode::Cat {
            continue;
        }
        if options.annotate {
            if let Some(origin) = &rule.origin {
                let _ = writeln!(out, "# {origin}");
            }
        }
        write_rule(out, &chain.name, rule);
        out.push('\n');
    }
}

/// One rule as `-A chain ...` (Shorewall's `format_rule`).
pub fn format_rule(chain: &str, rule: &Rule) -> String {
    let mut text = String::new();
    write_rule(&mut text, chain, rule);
    text
}

/// [`format_rule`] appended to `text`: the ruleset is written into one string, without a
/// string per rule.
fn write_rule(text: &mut String, chain: &str, rule: &Rule) {
    text.push_str("-A ");
    text.push_str(chain);
    // `-m set` and `-m geoip` are costly for the kernel and go last, unless the rule counts
    // (`nfacct`) or records (`recent`) what it matches, where the order matters.
    let keep_order = rule.has("nfacct") || rule.has("recent");
    let mut deferred = false;
    for m in &rule.matches {
        match key_kind(&m.key) {
            KeyKind::Unique => {
                let value = match m.value.strip_prefix("! ") {
                    Some(rest) => {
                        text.push_str(" !");
                        rest
                    }
                    None => m.value.as_str(),
                };
                text.push_str(if m.key.len() == 1 { " -" } else { " --" });
                text.push_str(&m.key);
                text.push(' ');
                text.push_str(value);
            }
            KeyKind::Expensive if !keep_order => deferred = true,
            _ => push_module(text, &m.key, &m.value),
        }
    }
    if deferred {
        for m in rule
            .matches
            .iter()
            .filter(|it| key_kind(&it.key) == KeyKind::Expensive)
        {
            push_module(text, &m.key, &m.value);
        }
    }
    if let (Some(jump), false) = (rule.jump, rule.target.is_empty()) {
        text.push(' ');
        text.push_str(jump.flag());
        text.push(' ');
        text.push_str(&rule.target);
        if let Some(options) = rule.target_options.as_deref().filter(|it| !it.is_empty()) {
            text.push(' ');
            text.push_str(options);
        }
    }
    if let Some(comment) = rule.comment.as_deref().filter(|it| !it.is_empty()) {
        text.push_str(" -m comment --comment \"");
        text.push_str(comment);
        text.push('"');
    }
}

fn push_module(text: &mut String, key: &str, value: &str) {
    text.push_str(" -m ");
    text.push_str(key);
    text.push(' ');
    text.push_str(value.trim_end());
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::compile::ir::{Jump, Match, Table};

    fn rule(matches: &[(&str, &str)], jump: Jump, target: &str) -> Rule {
        Rule::new(
            matches
                .iter()
                .map(|(k, v)| Match::new(k.to_string(), *v))
                .collect(),
            Some(jump),
            target,
        )
    }

    #[test]
    fn formats_rules_like_shorewall() {
        let mut reject = rule(&[("p", "6")], Jump::Jump, "REJECT");
        reject.target_options = Some("--reject-with tcp-reset".into());
        let mut ssh = rule(
            &[("s", "2001:db8::1"), ("p", "6"), ("dport", "22")],
            Jump::Jump,
            "ACCEPT",
        );
        ssh.comment = Some("SSH".into());
        let inverted = rule(
            &[("s", "! 2001:db8::/32"), ("p", "6"), ("dport", "22")],
            Jump::Jump,
            "ACCEPT",
        );
        let state = rule(
            &[("conntrack --ctstate", "ESTABLISHED,RELATED")],
            Jump::Jump,
            "ACCEPT",
        );
        let set = rule(
            &[
                ("set", "--match-set bad src"),
                ("p", "17"),
                ("multiport", "--dports 1,2 "),
            ],
            Jump::Goto,
            "reject",
        );
        let text: Vec<String> = [reject, ssh, inverted, state, set]
            .iter()
            .map(|it| format_rule("net-fw", it))
            .collect();
        expect![[r#"
            -A net-fw -p 6 -j REJECT --reject-with tcp-reset
            -A net-fw -s 2001:db8::1 -p 6 --dport 22 -j ACCEPT -m comment --comment "SSH"
            -A net-fw ! -s 2001:db8::/32 -p 6 --dport 22 -j ACCEPT
            -A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
            -A net-fw -p 17 -m multiport --dports 1,2 -m set --match-set bad src -g reject"#]]
        .assert_eq(&text.join("\n"));
    }

    #[test]
    fn emits_tables_in_order() {
        let mut hidden = Rule::command("for address in $ALL_ACASTS; do", 0);
        hidden.origin = Some("x".into());
        let mut accept = rule(&[("i", "lo")], Jump::Jump, "ACCEPT");
        accept.origin = Some("interfaces:3".into());
        let ruleset = Ruleset {
            tables: vec![
                Table {
                    name: "raw".into(),
                    chains: vec![Chain {
                        name: "PREROUTING".into(),
                        policy: Some("ACCEPT".into()),
                        rules: vec![],
                    }],
                },
                Table {
                    name: "filter".into(),
                    chains: vec![
                        Chain {
                            name: "INPUT".into(),
                            policy: Some("DROP".into()),
                            rules: vec![accept],
                        },
                        Chain {
                            name: "reject".into(),
                            policy: None,
                            rules: vec![hidden],
                        },
                    ],
                },
            ],
        };
        expect![[r#"
            *raw
            :PREROUTING ACCEPT [0:0]
            COMMIT
            *filter
            :INPUT DROP [0:0]
            :reject - [0:0]
            -A INPUT -i lo -j ACCEPT
            COMMIT
        "#]]
        .assert_eq(&emit(&ruleset, EmitOptions::default()));
        expect![[r#"
            *raw
            :PREROUTING ACCEPT [0:0]
            COMMIT
            *filter
            :INPUT DROP [0:0]
            :reject - [0:0]
            # interfaces:3
            -A INPUT -i lo -j ACCEPT
            COMMIT
        "#]]
        .assert_eq(&emit(&ruleset, EmitOptions { annotate: true }));
    }
}
