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
        let compiled = db.compile_stand_in(path, Arc::from(stand_in));
        return rules_from(compiled.as_ref().as_ref().ok()?, path, stand_in_line);
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
    use std::sync::Arc;

    use expect_test::{expect, Expect};
    use shorewall_syntax::TextSize;

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

    /// For every rule line of the fixture's rules file: the rules hover shows (from the
    /// directory read and compiled up to the rules, kept between hovers) and those of the
    /// same stand-in directory read and compiled whole, which must be the same.
    fn rules_of_every_line(fixture: &str) -> Vec<(String, Vec<String>)> {
        use crate::ide::db::Inputs;

        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let db: &Inputs = &analysis.inputs;
        let path = fixture.cursor_file();
        let text = db.text(&path).unwrap_or_else(|| Arc::from(""));
        let mut res = Vec::new();
        let mut kept = None;
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let at = start;
            start += line.len();
            if line.starts_with('?') || line.trim().is_empty() {
                continue;
            }
            let shown = super::rules_of_line(db, &path, TextSize::from(at as u32));
            let whole = super::stand_in(db, &path, &text, at).and_then(|(stand_in, number)| {
                let compiled = db.compile_stand_in_whole(&path, Arc::from(stand_in)).ok()?;
                super::rules_from(&compiled, &path, number)
            });
            assert_eq!(shown, whole, "{line}");
            // The same prelude and checkpoint serve every line.
            let base = db.kept_stand_in_base();
            assert!(base.is_some_and(|it| it.1), "no checkpoint for {line}");
            assert!(kept.is_none() || kept == base, "{line}");
            kept = base;
            res.push((line.trim_end().to_owned(), shown.unwrap_or_default()));
        }
        res
    }

    #[test]
    fn a_stand_in_compiled_again_comes_from_the_kept_ones() {
        use crate::ide::db::Inputs;

        let fixture = Fixture::parse(&format!(
            "{DIR}#- rules\nACCEPT net $FW tcp 22\nSS$0H(ACCEPT) loc $FW\n"
        ));
        let analysis = fixture.analysis();
        let db: &Inputs = &analysis.inputs;
        let path = fixture.cursor_file();
        let first = db.compile_stand_in(&path, Arc::from("SSH(ACCEPT) loc $FW\n"));
        let again = db.compile_stand_in(&path, Arc::from("SSH(ACCEPT) loc $FW\n"));
        let other = db.compile_stand_in(&path, Arc::from("SSH(ACCEPT) net $FW\n"));
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &other));
        let rules = |compiled: &crate::ide::db::CompileOutcome| {
            super::rules_from(compiled.as_ref().ok()?, &path, 0)
        };
        expect![[r#"
            (
                Some(
                    [
                        "-A loc-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A loc-fw -p 6 --dport 22 -j ACCEPT -m comment --comment \"SSH\"",
                    ],
                ),
                Some(
                    [
                        "-A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-fw -p 6 --dport 22 -j ACCEPT -m comment --comment \"SSH\"",
                    ],
                ),
            )
        "#]]
        .assert_debug_eq(&(rules(&again), rules(&other)));
    }

    #[test]
    fn rules_from_the_checkpoint_are_those_of_the_stand_in_compiled_whole() {
        let rules = rules_of_every_line(&format!(
            "{DIR}#- params\nPORT=22\n#- actions\nMine inline\nLogged\n\
             #- action.Mine\nACCEPT - - tcp $PORT\n#- action.Logged\nLOG:info\nACCEPT\n\
             #- rules\n?SECTION ALL\n?SECTION ESTABLISHED\n?SECTION RELATED\n?SECTION INVALID\n\
             ?SECTION UNTRACKED\n?SECTION NEW\n?COMMENT web\nSSH(ACCEPT) net $FW\n\
             Ping(DROP):info loc net\nDROP:info net:2001:db8::1 all\nMine net $FW\n\
             Logged loc $FW tcp $PORT\nREJECT net loc udp 53\nACCEPT all $FW tcp 80,443\n"
        ));
        expect![[r#"
            [
                (
                    "SSH(ACCEPT) net $FW",
                    [
                        "-A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-fw -p 6 --dport 22 -j ACCEPT -m comment --comment \"web\"",
                    ],
                ),
                (
                    "Ping(DROP):info loc net",
                    [
                        "-A loc-net -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A loc-net -p 58 --icmpv6-type 128 -g ~log0 -m comment --comment \"web\"",
                        "-A ~log0 -j LOG --log-level 6 --log-prefix \"Shorewall:loc-net:DROP:\" -m comment --comment \"web\"",
                        "-A ~log0 -j DROP -m comment --comment \"web\"",
                    ],
                ),
                (
                    "DROP:info net:2001:db8::1 all",
                    [
                        "-A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-fw -s 2001:db8::1 -g ~log0 -m comment --comment \"web\"",
                        "-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-loc -s 2001:db8::1 -g ~log1 -m comment --comment \"web\"",
                        "-A ~log0 -j LOG --log-level 6 --log-prefix \"Shorewall:net-fw:DROP:\" -m comment --comment \"web\"",
                        "-A ~log0 -j DROP -m comment --comment \"web\"",
                        "-A ~log1 -j LOG --log-level 6 --log-prefix \"Shorewall:net-loc:DROP:\" -m comment --comment \"web\"",
                        "-A ~log1 -j DROP -m comment --comment \"web\"",
                    ],
                ),
                (
                    "Mine net $FW",
                    [
                        "-A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-fw -p 6 --dport 22 -j ACCEPT",
                    ],
                ),
                (
                    "Logged loc $FW tcp $PORT",
                    [
                        "-A Logged -j LOG --log-level 6 --log-prefix \"Shorewall:Logged:LOG:\"",
                        "-A Logged -j ACCEPT",
                        "-A loc-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A loc-fw -p 6 --dport 22 -g Logged -m comment --comment \"web\"",
                    ],
                ),
                (
                    "REJECT net loc udp 53",
                    [
                        "-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-loc -p 17 --dport 53 -g reject -m comment --comment \"web\"",
                    ],
                ),
                (
                    "ACCEPT all $FW tcp 80,443",
                    [
                        "-A loc-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A loc-fw -p 6 -m multiport --dports 80,443 -j ACCEPT -m comment --comment \"web\"",
                        "-A net-fw -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                        "-A net-fw -p 6 -m multiport --dports 80,443 -j ACCEPT -m comment --comment \"web\"",
                    ],
                ),
            ]
        "#]]
        .assert_debug_eq(&rules);
    }

    #[test]
    fn rules_of_a_line_in_the_established_section_from_the_checkpoint() {
        let rules = rules_of_every_line(&format!(
            "{DIR}#- rules\n?SECTION ESTABLISHED\nACCEPT net $FW tcp 22\nDNS(ACCEPT) loc net\n"
        ));
        expect![[r#"
            [
                (
                    "ACCEPT net $FW tcp 22",
                    [
                        "-A ^net-fw -p 6 --dport 22 -m conntrack --ctstate ESTABLISHED -j ACCEPT",
                        "-A net-fw -m conntrack --ctstate ESTABLISHED -j ^net-fw",
                    ],
                ),
                (
                    "DNS(ACCEPT) loc net",
                    [
                        "-A ^loc-net -p 17 --dport 53 -m conntrack --ctstate ESTABLISHED -j ACCEPT -m comment --comment \"DNS\"",
                        "-A ^loc-net -p 6 --dport 53 -m conntrack --ctstate ESTABLISHED -j ACCEPT -m comment --comment \"DNS\"",
                        "-A loc-net -m conntrack --ctstate ESTABLISHED -j ^loc-net",
                    ],
                ),
            ]
        "#]]
        .assert_debug_eq(&rules);
    }

    #[test]
    fn the_kept_checkpoint_follows_edits_of_the_other_files_on_disk_and_open() {
        use std::{
            path::{Path, PathBuf},
            sync::Mutex,
        };

        use crate::{
            ide::{db::HostConfig, AnalysisHost, FilePosition},
            model::{MemoryVfs, ReadError, Vfs},
        };

        /// Files on disk that the test changes.
        #[derive(Default)]
        struct Disk(Mutex<MemoryVfs>);

        impl Vfs for Disk {
            fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
                self.0.lock().map_err(|_| ReadError::NotFound)?.read(path)
            }

            fn list_dir(&self, dir: &Path) -> Vec<String> {
                self.0.lock().map(|it| it.list_dir(dir)).unwrap_or_default()
            }
        }

        let fixture = Fixture::parse(&format!(
            "{DIR}#- params\nPORT=22\n#- rules\n?SECTION NEW\nACCEPT net $FW\n\
             ACC$0EPT:info all loc tcp $PORT\n"
        ));
        let disk = Arc::new(Disk::default());
        let dir = Path::new(crate::ide::fixture::DIR);
        for name in [
            "zones",
            "interfaces",
            "policy",
            "shorewall6.conf",
            "params",
            "rules",
        ] {
            let path = dir.join(name);
            if let Ok(mut files) = disk.0.lock() {
                files.insert(path.clone(), fixture.text(&path));
            }
        }
        let mut host = AnalysisHost::new(HostConfig::builtin(disk.clone()));
        let rules = fixture.cursor_file();
        host.set_document(rules.clone(), Arc::from(fixture.text(&rules)), 1);
        let position: FilePosition = fixture.position();
        let shown = |host: &AnalysisHost| {
            let analysis = host.analysis();
            let text = analysis.file_text(&rules).unwrap_or_else(|| Arc::from(""));
            let start = text[..usize::from(position.offset)]
                .rfind('\n')
                .map_or(0, |it| it + 1);
            let lines = super::rules_of_line(&analysis.inputs, &rules, (start as u32).into());
            assert!(analysis.inputs.kept_stand_in_base().is_some_and(|it| it.1));
            lines.unwrap_or_default().join("\n")
        };
        let on_disk = |host: &mut AnalysisHost, name: &str, text: &str| {
            let path: PathBuf = dir.join(name);
            if let Ok(mut files) = disk.0.lock() {
                files.insert(path.clone(), text);
            }
            host.files_changed(&[path]);
        };
        let mut version = 1;
        let mut open = |host: &mut AnalysisHost, name: &str, text: &str| {
            version += 1;
            host.set_document(dir.join(name), Arc::from(text), version);
        };
        let mut seen = vec![shown(&host)];
        // Another line of the rules file: the kept checkpoint serves.
        open(
            &mut host,
            "rules",
            "?SECTION NEW\nACCEPT net dmz\nACCEPT:info all loc tcp $PORT\n",
        );
        seen.push(shown(&host));
        on_disk(&mut host, "params", "PORT=23\n");
        seen.push(shown(&host));
        open(&mut host, "shorewall6.conf", "LOGFORMAT=\"fw:%s:%s:\"\n");
        seen.push(shown(&host));
        on_disk(
            &mut host,
            "zones",
            "fw firewall\nnet ipv6\nloc ipv6\ndmz ipv6\n",
        );
        on_disk(
            &mut host,
            "interfaces",
            "?FORMAT 2\nnet eth0\nloc eth1\ndmz eth2\n",
        );
        seen.push(shown(&host));
        open(
            &mut host,
            "policy",
            "dmz loc NONE\nloc net ACCEPT\nnet all DROP\nall all REJECT\n",
        );
        seen.push(shown(&host));
        // An open document edited again.
        open(&mut host, "shorewall6.conf", "LOGFORMAT=\"wall:%s:%s:\"\n");
        seen.push(shown(&host));
        expect![[r#"
            [
                "-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 22 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 22 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"Shorewall:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"Shorewall:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT",
                "-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 22 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 22 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"Shorewall:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"Shorewall:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT",
                "-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 23 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 23 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"Shorewall:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"Shorewall:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT",
                "-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 23 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 23 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"fw:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"fw:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT",
                "-A dmz-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A dmz-loc -p 6 --dport 23 -g ~log2\n-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 23 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 23 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"fw:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"fw:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT\n-A ~log2 -j LOG --log-level 6 --log-prefix \"fw:dmz-loc:ACCEPT:\"\n-A ~log2 -j ACCEPT",
                "-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 23 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 23 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"fw:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"fw:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT",
                "-A fw-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A fw-loc -p 6 --dport 23 -g ~log0\n-A net-loc -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A net-loc -p 6 --dport 23 -g ~log1\n-A ~log0 -j LOG --log-level 6 --log-prefix \"wall:fw-loc:ACCEPT:\"\n-A ~log0 -j ACCEPT\n-A ~log1 -j LOG --log-level 6 --log-prefix \"wall:net-loc:ACCEPT:\"\n-A ~log1 -j ACCEPT",
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
