//! What the compiler makes of a directory: the preview (the annotated ip6tables-restore input
//! of the document's directory, as `shorewall-ls compile --annotate` prints it) and the rules
//! one line of a file compiles to, for hover.
//!
//! The compilation is cached per directory and revision; a directory with errors has no
//! ruleset, and the preview says why, one error a line, as `check` reports them.
//!
//! Hover must answer at once, also while the admin types in a large rules file, where the
//! whole directory takes hundreds of milliseconds to compile. So a line's rules come from the
//! directory's compilation if it is already there, else from compiling a stand-in rules file
//! that holds only the directives above the line and the line (what the incremental check of
//! diagnostics uses), else, for a small file, from compiling the directory.

use std::{path::Path, sync::Arc};

use shorewall_syntax::TextSize;

use crate::{
    compile::lower::Compiled,
    compile::{
        emit::{self, EmitOptions},
        ir::Mode,
    },
    ide::{
        db::{dir_of, Inputs},
        diagnostics::incremental,
    },
};

/// The annotated ruleset of the directory of `path`, or the errors that prevent it.
pub(crate) fn preview(db: &Inputs, path: &Path) -> Result<String, String> {
    match &*db.compiled(dir_of(path)) {
        Ok(compiled) => Ok(emit::emit(
            &compiled.ruleset,
            EmitOptions { annotate: true },
        )),
        Err(errors) => Err(errors.join("\n")),
    }
}

/// The ip6tables rules the record of the line starting at byte `start` of `path` compiles to,
/// as `-A chain ...` lines (prefixed with their table outside `filter`). `None` when the
/// directory does not compile.
pub(crate) fn rules_of_line(db: &Inputs, path: &Path, start: TextSize) -> Option<Vec<String>> {
    let dir = dir_of(path);
    let text = db.text(path)?;
    let start = usize::from(start).min(text.len());
    // The line's number, counted only where the whole directory's compilation is used: on a
    // large file counting takes a good part of a hover's time.
    let line = || text.get(..start).map(|it| it.matches('\n').count() as u32);
    if let Some(compiled) = db.compiled_if_ready(dir) {
        return rules_from(compiled.as_ref().as_ref().ok()?, path, line()?);
    }
    if let Some((stand_in, stand_in_line)) = stand_in(db, path, &text, start) {
        let model = db.model_with(dir, path, Arc::from(stand_in));
        let compiled = db.compile_stand_in(&model, path).ok()?;
        return rules_from(&compiled, path, stand_in_line);
    }
    if text.len() > SMALL {
        return None;
    }
    let compiled = db.compiled(dir);
    rules_from(compiled.as_ref().as_ref().ok()?, path, line()?)
}

/// The size of a file (in bytes, about 400 rules) under which a hover may compile the whole
/// directory.
const SMALL: usize = 20_000;

/// A rules file of the directives above the line starting at byte `start` and the line, and
/// the line's number in it.
fn stand_in(db: &Inputs, path: &Path, text: &Arc<str>, start: usize) -> Option<(String, u32)> {
    if path.file_name()?.to_str()? != "rules" {
        return None;
    }
    let end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |it| start + it);
    let (directives, _) = incremental::prelude(db, text, start)?;
    let body = text.get(start..end)?;
    if !incremental::plain_lines(body) {
        return None;
    }
    let number = directives.matches('\n').count() as u32;
    Some((format!("{directives}{body}\n"), number))
}

/// The rules of line `line` (0-based) of `path` in a compilation.
fn rules_from(compiled: &Compiled, path: &Path, line: u32) -> Option<Vec<String>> {
    let name = path.file_name()?.to_str()?;
    let origin = format!("{name}:{}", line + 1);
    let mut res = Vec::new();
    for table in &compiled.ruleset.tables {
        for chain in &table.chains {
            for rule in &chain.rules {
                if rule.mode != Mode::Cat || rule.origin.as_deref() != Some(origin.as_str()) {
                    continue;
                }
                let text = emit::format_rule(&chain.name, rule);
                res.push(match table.name.as_str() {
                    "filter" => text,
                    other => format!("-t {other} {text}"),
                });
            }
        }
    }
    Some(res)
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    const DIR: &str = r#"
#- zones
fw firewall
net ipv6
loc ipv6
#- interfaces
?FORMAT 2
net eth0
loc eth1
#- policy
loc net ACCEPT
net all DROP
all all REJECT
#- shorewall6.conf
"#;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let res = match analysis.preview(&fixture.cursor_file()) {
            Ok(text) => text
                .lines()
                .filter(|it| it.starts_with("# rules") || it.starts_with("-A net-fw"))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(errors) => format!("error:\n{errors}"),
        };
        expect.assert_eq(&res);
    }

    #[test]
    fn preview_of_the_directory() {
        check(
            &format!("{DIR}#- rules\nSSH(ACCEPT) net $FW\nACCEPT net $FW tcp 80\n"),
            expect![[r#"
                -A net-fw -m conntrack --ctstate NEW,ESTABLISHED,INVALID,UNTRACKED -j dynamic
                -A net-fw -p tcp -j tcpflags
                # rules:1
                -A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
                # rules:1
                -A net-fw -p 6 --dport 22 -j ACCEPT -m comment --comment "SSH"
                # rules:2
                -A net-fw -p 6 --dport 80 -j ACCEPT
                -A net-fw -g net-all"#]],
        );
    }

    #[test]
    fn an_ipv4_directory_has_no_preview() {
        // Compiled with Shorewall6's semantics it would give a wrong ruleset without a word.
        let ipv4 = DIR
            .replace("ipv6", "ipv4")
            .replace("shorewall6.conf", "shorewall.conf");
        check(
            &format!("{ipv4}#- rules\nACCEPT net $FW tcp 80\n"),
            expect![[r#"
                error:
                /etc/shorewall6: error: This is an IPv4 (shorewall) configuration: the preview compiles IPv6 (shorewall6) configurations only [compile-error]"#]],
        );
    }

    #[test]
    fn hover_on_the_action_shows_the_rules_of_the_line() {
        let fixture = Fixture::parse(&format!(
            "{DIR}#- rules\nACCEPT net $FW tcp 22\nSS$0H(ACCEPT) loc $FW\n"
        ));
        let hover = fixture.analysis().hover(&fixture.position());
        let markdown = hover.map(|it| it.markdown).unwrap_or_default();
        let section = markdown.split("---").last().unwrap_or("");
        expect![[r#"


            ip6tables:

            ```
            -A loc-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
            -A loc-fw -p 6 --dport 22 -j ACCEPT -m comment --comment "SSH"
            ```"#]]
        .assert_eq(section);
    }

    #[test]
    fn the_kept_model_of_a_large_file_has_no_tree_and_compiles_the_same() {
        use std::{path::Path, sync::Arc};

        use crate::{
            compile::{emit, lower},
            ide::{big_work::BIG, db::dir_of, fixture},
            model::{self, Environment, MemoryVfs, NameTables},
        };

        let rules: String = (0..2500)
            .map(|it| format!("ACCEPT net:2001:db8::{it:x} $FW tcp {}\n", 1000 + it))
            .collect();
        assert!(rules.len() >= BIG);
        let fixture = Fixture::parse(&format!("{DIR}#- rules\n{rules}"));
        let path = fixture.cursor_file();
        let analysis = fixture.analysis();
        let kept = analysis.inputs.model(dir_of(&path));
        let file = kept.files.id_of(&path).and_then(|it| kept.file(it));
        assert_eq!(
            file.map(|it| it.parse.syntax().text().len()),
            Some(0.into())
        );
        assert_eq!(file.map(|it| it.text.len()), Some(rules.len()));
        // The directory compiled as the command line does, from a model with every tree.
        let mut vfs = MemoryVfs::default();
        for name in ["zones", "interfaces", "policy", "shorewall6.conf", "rules"] {
            let path = Path::new(fixture::DIR).join(name);
            vfs.insert(path.clone(), fixture.text(&path));
        }
        let env = Environment {
            vfs: &vfs,
            library_dirs: Vec::new(),
            names: Arc::new(NameTables::builtin()),
            parse_cache: None,
        };
        let model = model::build(Path::new(fixture::DIR), &env);
        let expected = lower::compile(&model, &env)
            .map(|it| emit::emit(&it.ruleset, emit::EmitOptions { annotate: true }));
        assert!(expected
            .as_ref()
            .is_ok_and(|it| it.contains("# rules:2500")));
        assert_eq!(analysis.preview(&path).ok(), expected.ok());
    }

    #[test]
    fn hover_follows_edits_of_the_files_a_kept_action_body_depends_on() {
        use std::{path::Path, sync::Arc};

        use crate::ide::FilePosition;

        // An inline action's body goes into the rule's chain, so the hover shows it; the
        // bodies read for one hover are kept for the next while nothing but the rules file
        // changes.
        let fixture = Fixture::parse(&format!(
            "{DIR}#- params\nPORT=22\n#- actions\nMine inline\n#- action.Mine\nACCEPT - - tcp $PORT\n\
             #- rules\n?SECTION NEW\nMi$0ne net $FW\nACCEPT net $FW tcp 80\n"
        ));
        let mut host = fixture.host();
        let rules = fixture.cursor_file();
        let dir = Path::new(crate::ide::fixture::DIR);
        let shown = |host: &crate::ide::AnalysisHost, position: &FilePosition| {
            let hover = host.analysis().hover(position);
            let markdown = hover.map(|it| it.markdown).unwrap_or_default();
            let section = markdown.split("```").nth(1).unwrap_or("").trim().to_owned();
            section.lines().last().unwrap_or("").to_owned()
        };
        let mut version = 1;
        let mut edit = |host: &mut crate::ide::AnalysisHost, name: &str, text: &str| {
            version += 1;
            host.set_document(dir.join(name), Arc::from(text), version);
        };
        let position = fixture.position();
        let mut seen = vec![shown(&host, &position)];
        // Another line of the rules file: the kept bodies serve, the line is the same.
        edit(
            &mut host,
            "rules",
            "?SECTION NEW\nMine net $FW\nACCEPT net $FW tcp 81\n",
        );
        seen.push(shown(&host, &position));
        edit(&mut host, "params", "PORT=23\n");
        seen.push(shown(&host, &position));
        edit(&mut host, "action.Mine", "ACCEPT - - udp $PORT\n");
        seen.push(shown(&host, &position));
        edit(
            &mut host,
            "zones",
            "fw firewall\nnet ipv6\nloc ipv6\nwan ipv6\n",
        );
        edit(&mut host, "interfaces", "?FORMAT 2\nwan eth0\nloc eth1\n");
        edit(
            &mut host,
            "rules",
            "?SECTION NEW\nMine wan $FW\nACCEPT net $FW tcp 81\n",
        );
        seen.push(shown(&host, &position));
        assert_eq!(rules, dir.join("rules"));
        expect![[r#"
            [
                "-A net-fw -p 6 --dport 22 -j ACCEPT",
                "-A net-fw -p 6 --dport 22 -j ACCEPT",
                "-A net-fw -p 6 --dport 23 -j ACCEPT",
                "-A net-fw -p 17 --dport 23 -j ACCEPT",
                "-A wan-fw -p 17 --dport 23 -j ACCEPT",
            ]
        "#]]
        .assert_debug_eq(&seen);
    }

    #[test]
    fn errors_instead_of_a_ruleset() {
        check(
            &format!("{DIR}#- rules\nACCEPT nte $FW\n"),
            expect![[r#"
                error:
                rules:1:8: error: Unknown source zone (nte); did you mean 'net'? [unknown-zone]"#]],
        );
    }
}
