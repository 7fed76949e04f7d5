//! The incremental check against the whole one: after each edit, the diagnostics the kept ones
//! give must be exactly those of a fresh check, and the edits meant to take the short way must
//! take it.

use std::sync::Arc;

use expect_test::{expect, Expect};

use crate::ide::{
    db::dir_of,
    diagnostics::{dir_diagnostics, incremental, Diagnostic},
    fixture::Fixture,
};

const DIR: &str = r#"
#- zones
fw firewall
net ipv6
loc ipv6
#- interfaces
?FORMAT 2
net eth0 dhcp
loc eth1
#- params
ADMIN=2001:db8::1
#- action.Mine
ACCEPT - - tcp 99999
#- actions
Mine
#- rules
#ACTION SOURCE DEST PROTO DPORT
?SECTION ALL
?SECTION NEW
ACCEPT net $FW tcp 22
DROP nte all
SSH(ACCEPT) loc net:$ADMIN
REJECT:info all all
"#;

/// Applies `edit` to the rules file (the fixture's last file) and returns its diagnostics
/// from the kept ones, whether the short way was taken, and those of a fresh check.
fn after(edit: &dyn Fn(&str) -> String) -> (Vec<Diagnostic>, bool, Vec<Diagnostic>) {
    let fixture = Fixture::parse(DIR);
    let path = fixture.cursor_file();
    let dir = dir_of(&path).to_path_buf();
    let mut host = fixture.host();
    let before = host.analysis();
    let base = dir_diagnostics(&before.inputs, &dir);
    let new = edit(&fixture.text(&path));
    host.set_document(path.clone(), Arc::from(new.as_str()), 2);
    let analysis = host.analysis();
    let texts = analysis.inputs.documents_in(&dir);
    let short = incremental::update(&analysis.inputs, &dir, &base, &texts).is_some();
    let kept = analysis.diagnostics(&path);
    let (head, _) = DIR.split_once("#- rules\n").unwrap_or((DIR, ""));
    let fresh = Fixture::parse(&format!("{head}#- rules\n{new}")).analysis();
    (kept, short, fresh.diagnostics(&path))
}

#[track_caller]
fn check(edit: &dyn Fn(&str) -> String, short: bool, expect: Expect) {
    let (kept, took_short_way, whole) = after(edit);
    assert_eq!(
        kept, whole,
        "the kept diagnostics differ from a fresh check"
    );
    assert_eq!(took_short_way, short, "whether the short way was taken");
    let shown: Vec<String> = kept
        .iter()
        .map(|it| format!("{:?} {}: {}", it.range, it.code, it.message))
        .collect();
    expect.assert_eq(&shown.join("\n"));
}

fn replace(from: &'static str, to: &'static str) -> impl Fn(&str) -> String {
    move |text| text.replacen(from, to, 1)
}

#[test]
fn edits_within_rules_take_the_short_way() {
    // Fix an error, make one, in a line above other errors.
    check(&replace("nte", "net"), true, expect![[""]]);
    check(
        &replace("$FW tcp 22", "$FX tcp 22"),
        true,
        expect![[r#"
        69..72 undefined-variable: $FX is not defined: Shorewall expands it to nothing (IGNOREUNKNOWNVARIABLES=Yes)
        69..72 unknown-zone: Unknown destination zone (tcp)
        85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?"#]],
    );
    // A new line, a line removed, a comment made of a rule.
    check(
        &replace("DROP nte all\n", "DROP nte all\n\n"),
        true,
        expect!["85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?"],
    );
    check(&replace("DROP nte all\n", ""), true, expect![[""]]);
    check(
        &replace("SSH(ACCEPT)", "#SSH(ACCEPT)"),
        true,
        expect!["85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?"],
    );
    // Typing at the end of the file.
    check(
        &|text: &str| format!("{text}ACCEPT lo"),
        true,
        expect![[r#"
            85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?
            147..149 unknown-zone: Unknown source zone (lo); did you mean 'loc'?"#]],
    );
}

#[test]
fn edits_that_need_the_whole_check() {
    // A directive, a switch, a continuation line, a section after rules.
    check(
        &replace("?SECTION NEW", "?SECTION NEX"),
        false,
        expect![[r#"
            45..57 section-order: Invalid SECTION (NEX)
            85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?"#]],
    );
    check(
        &replace(
            "REJECT:info all all",
            "REJECT:info all all - - - - - - - - - - sw=1",
        ),
        false,
        expect![[r#"
            85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?
            160..164 missing-capability: A non-empty SWITCH column requires Condition Match in your kernel and iptables"#]],
    );
    check(
        &replace("DROP nte all", "DROP nte \\\nall"),
        false,
        expect!["85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?"],
    );
    check(
        &|text: &str| format!("{text}?SECTION NEW\n"),
        false,
        expect![[r#"
            85..88 unknown-zone: Unknown source zone (nte); did you mean 'net'?
            140..152 section-order: Duplicate or out of order SECTION NEW"#]],
    );
    // A rule before the sections (the header comment uncommented).
    check(
        &replace("#ACTION", "ACTION"),
        false,
        expect![[r#"
        0..6 unknown-action: Unknown ACTION (ACTION)
        84..87 unknown-zone: Unknown source zone (nte); did you mean 'net'?"#]],
    );
    // The first use of an action whose body has an error: the error is in the action's file.
    check(
        &replace("DROP nte all", "Mine net all"),
        false,
        expect![[""]],
    );
}

/// A chain of edits, each checked from the diagnostics the previous one left: characters
/// typed and deleted all over the rules below the sections, lines split and joined. After
/// each, the kept diagnostics must be those of a fresh check; most edits take the short way.
#[test]
fn a_chain_of_keystrokes_agrees_with_the_whole_check() {
    let fixture = Fixture::parse(DIR);
    let path = fixture.cursor_file();
    let dir = dir_of(&path).to_path_buf();
    let (head, _) = DIR.split_once("#- rules\n").unwrap_or((DIR, ""));
    let mut host = fixture.host();
    let mut text = fixture.text(&path);
    let mut short = 0;
    let mut seed = 7u64;
    for version in 2..120 {
        let before = host.analysis();
        let base = dir_diagnostics(&before.inputs, &dir);
        // A small linear congruential generator: the same edits on every run.
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let rules = text.find("?SECTION NEW\n").map_or(0, |it| it + 13);
        let at = rules + (seed >> 33) as usize % (text.len() - rules + 1);
        let at = (0..=at)
            .rev()
            .find(|it| text.is_char_boundary(*it))
            .unwrap_or(0);
        match (seed >> 20) % 5 {
            0 | 1 => text.insert(at, ['x', 'n', ':', '1', ' '][(seed >> 8) as usize % 5]),
            2 if at < text.len() => {
                text.remove(at);
            }
            3 => text.insert(at, '\n'),
            _ => text.insert_str(at, "et"),
        }
        host.set_document(path.clone(), Arc::from(text.as_str()), version);
        let analysis = host.analysis();
        let texts = analysis.inputs.documents_in(&dir);
        if incremental::update(&analysis.inputs, &dir, &base, &texts).is_some() {
            short += 1;
            // The outline of the new text, moved from the old one's, is kept and right.
            let new = texts.iter().find(|it| it.0 == path).map(|it| it.1.clone());
            let kept = analysis.inputs.caches.outlines.lock().ok().and_then(|it| {
                it.iter()
                    .find(|kept| new.as_ref().is_some_and(|new| Arc::ptr_eq(&kept.0, new)))
                    .map(|kept| kept.1.clone())
            });
            assert_eq!(kept.as_deref(), Some(&super::Outline::new(&text)));
        }
        let kept = analysis.diagnostics(&path);
        let fresh = Fixture::parse(&format!("{head}#- rules\n{text}")).analysis();
        assert_eq!(
            kept,
            fresh.diagnostics(&path),
            "after edit {version}:\n{text}"
        );
    }
    assert!(short > 60, "only {short} edits took the short way");
}

#[test]
fn the_outline_gives_the_directives_above_a_line() {
    use super::Outline;
    let text = "#ACTION SOURCE\n?SECTION ALL\n?COMMENT x\nACCEPT net $FW\n?COMMENT\nDROP net $FW\n";
    let prelude = |start: usize| Outline::new(text).prelude(text, start);
    assert_eq!(prelude(0), Some((String::new(), true)));
    assert_eq!(
        prelude(text.find("ACCEPT").unwrap_or(0)),
        Some(("?SECTION ALL\n?COMMENT x\n".to_owned(), false))
    );
    assert_eq!(
        prelude(text.find("DROP").unwrap_or(0)),
        Some(("?SECTION ALL\n?COMMENT x\n?COMMENT\n".to_owned(), false))
    );
    // A section after a rule, a conditional: the lines cannot be checked apart.
    let text = "ACCEPT net $FW\n?SECTION NEW\n";
    assert_eq!(Outline::new(text).prelude(text, 0), None);
    let text = "?IF 1\nACCEPT net $FW\n?ENDIF\n";
    assert_eq!(Outline::new(text).prelude(text, 6), None);
    // Words without their `?`, in any case, a continuation line, an include.
    let text = "Ping(ACCEPT) net $FW\nsection NEW\n";
    assert_eq!(Outline::new(text).prelude(text, 0), None);
    let text = "ACCEPT net \\\n $FW\nDROP net $FW\n";
    assert_eq!(Outline::new(text).prelude(text, 0), None);
    let text = "ACCEPT net $FW\ninclude rules.more\n";
    assert_eq!(Outline::new(text).prelude(text, 0), None);
    let text = "FORMAT 2\n# a comment \\\nSSH(ACCEPT) net $FW\n";
    assert_eq!(
        Outline::new(text).prelude(text, text.find("SSH").unwrap_or(0)),
        Some(("FORMAT 2\n".to_owned(), false))
    );
}

#[test]
fn the_outline_after_an_edit_is_the_old_one_moved() {
    use super::{plain_lines, Edit, Outline};
    let old = "?SECTION NEW\nACCEPT net $FW\n?COMMENT a\nDROP net $FW\nDROP loc $FW\n?COMMENT\n\
               REJECT net $FW\n";
    let edits = [
        ("ACCEPT net $FW", "ACCEPT net $FW tcp 22\nDROP loc net"),
        ("DROP net $FW\n", ""),
        ("DROP net $FW", "DROP net $FW udp"),
        ("REJECT net $FW", "REJECT"),
        // The block takes in the directive below: not an edit `update` keeps the outline of.
        ("ACCEPT net $FW\n", ""),
    ];
    let mut moved_ones = 0;
    for (from, to) in edits {
        let new = old.replacen(from, to, 1);
        let Some(edit) = Edit::between(old, &new) else {
            continue;
        };
        let blocks = (
            &old[edit.start..edit.old_end],
            &new[edit.start..edit.new_end],
        );
        if !plain_lines(blocks.0) || !plain_lines(blocks.1) {
            continue;
        }
        let moved = Outline::new(old).moved(edit.old_end, edit.new_end);
        assert_eq!(moved, Outline::new(&new), "{from:?} → {to:?}");
        moved_ones += 1;
    }
    assert_eq!(moved_ones, 4);
}

#[test]
fn common_prefixes_and_suffixes_by_chunks_are_those_byte_by_byte() {
    use super::{common_prefix, common_suffix};
    let naive_prefix = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let naive_suffix = |a: &[u8], b: &[u8], room: usize| {
        a.iter()
            .rev()
            .zip(b.iter().rev())
            .take(room)
            .take_while(|(x, y)| x == y)
            .count()
    };
    let base: Vec<u8> = (0..300u32).map(|it| b'a' + (it * 7 % 26) as u8).collect();
    let mut checked = 0;
    for at in [0, 1, 63, 64, 65, 127, 128, 150, 255, 256, 299] {
        for change in 0..3 {
            let mut other = base.clone();
            match change {
                0 => other[at] = b'#',
                1 => other.insert(at, b'#'),
                _ => {
                    other.remove(at);
                }
            }
            for (a, b) in [(&base, &other), (&other, &base)] {
                let prefix = common_prefix(a, b);
                assert_eq!(prefix, naive_prefix(a, b), "{at} {change}");
                let room = a.len().min(b.len()) - prefix;
                assert_eq!(
                    common_suffix(a, b, room),
                    naive_suffix(a, b, room),
                    "{at} {change}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 66);
    assert_eq!(common_prefix(&base, &base), base.len());
    assert_eq!(common_suffix(&base, &base, 10), 10);
}
