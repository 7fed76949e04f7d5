//! Comparing two ip6tables-restore texts chain by chain, to say where a compile preview
//! differs from Shorewall's output.

use std::collections::BTreeMap;

/// Rules and declaration of each chain, keyed by `table/chain`.
pub fn chains_of(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut table = String::new();
    let mut chains: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('*') {
            table = name.to_owned();
        } else if let Some(decl) = line.strip_prefix(':') {
            let name = decl.split_whitespace().next().unwrap_or("");
            chains
                .entry(format!("{table}/{name}"))
                .or_default()
                .insert(0, format!(":{decl}"));
        } else if let Some(rule) = line.strip_prefix("-A ") {
            let name = rule.split_whitespace().next().unwrap_or("");
            chains
                .entry(format!("{table}/{name}"))
                .or_default()
                .push(line.to_owned());
        }
    }
    chains
}

/// The chains whose declaration or rules differ between `expected` and `actual`, each with
/// a short explanation; empty when the texts define the same chains and rules.
pub fn differing_chains(expected: &str, actual: &str) -> Vec<String> {
    let want = chains_of(expected);
    let got = chains_of(actual);
    let mut out = Vec::new();
    for (name, rules) in &want {
        match got.get(name) {
            None => out.push(format!("{name}: missing")),
            Some(other) if other != rules => {
                let first = rules
                    .iter()
                    .zip(other)
                    .position(|(a, b)| a != b)
                    .unwrap_or(rules.len().min(other.len()));
                out.push(format!(
                    "{name}: differs at line {} (expected {:?}, got {:?})",
                    first + 1,
                    rules.get(first).map(String::as_str).unwrap_or("<end>"),
                    other.get(first).map(String::as_str).unwrap_or("<end>")
                ));
            }
            Some(_) => {}
        }
    }
    for name in got.keys() {
        if !want.contains_key(name) {
            out.push(format!("{name}: unexpected"));
        }
    }
    if out.is_empty() && expected != actual {
        out.push("same chains and rules, different text (order of chains or tables)".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_chains_that_differ() {
        let a = "*filter\n:INPUT DROP [0:0]\n:x - [0:0]\n-A INPUT -j x\n-A x -j ACCEPT\nCOMMIT\n";
        let b = "*filter\n:INPUT DROP [0:0]\n:x - [0:0]\n-A INPUT -j x\n-A x -j DROP\nCOMMIT\n";
        assert!(differing_chains(a, a).is_empty());
        assert_eq!(
            differing_chains(a, b),
            ["filter/x: differs at line 2 (expected \"-A x -j ACCEPT\", got \"-A x -j DROP\")"]
        );
    }
}
