//! `shorewall-ls check [DIR] [--format json]`: every diagnostic of a configuration directory,
//! one a line as `PATH:LINE:COL: SEVERITY: MESSAGE [CODE]` (the form quickfix lists read),
//! sorted by file and position. Exit 1 if any error, 0 otherwise, 2 for usage errors or an
//! unreadable directory.
//!
//! The model's diagnostics come first; when they hold no error, the configuration is also
//! lowered, and an error of the compiler (in a file only the compiler reads, such as masq or
//! conntrack) is reported as `compile-error` where the compiler stops; when it compiles, the
//! compiler's warnings (`shorewall6 check` prints them too) are reported as `compile-warning`.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::{
    compile::rejection::{self, Place, COMPILE_ERROR, COMPILE_WARNING},
    disk::{self, DiskVfs},
    model::{self, Diagnostic, Environment, Model, Origin, Severity},
};

use super::ExitCode;

/// One diagnostic as the CLI prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

pub(super) fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut dir = None;
    let mut json = false;
    let mut idx = 0;
    while let Some(arg) = args.get(idx) {
        match arg.as_str() {
            "--format" => {
                idx += 1;
                match args.get(idx).map(String::as_str) {
                    Some("json") => json = true,
                    Some("text") => json = false,
                    _ => {
                        let _ =
                            writeln!(err, "shorewall-ls check: --format takes 'text' or 'json'");
                        return 2;
                    }
                }
            }
            "--format=json" => json = true,
            "--format=text" => json = false,
            other if other.starts_with('-') => {
                let _ = writeln!(err, "shorewall-ls check: unknown option '{other}'\nusage: shorewall-ls check [DIR] [--format json]");
                return 2;
            }
            other => {
                if dir.is_some() {
                    let _ = writeln!(err, "shorewall-ls check: only one directory may be given");
                    return 2;
                }
                dir = Some(PathBuf::from(other));
            }
        }
        idx += 1;
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        let _ = writeln!(
            err,
            "shorewall-ls check: {} is not a directory",
            dir.display()
        );
        return 2;
    }
    let env = disk_environment(&dir);
    let model = model::build(&dir, &env);
    let reported = report_all(&model, &env, &std::env::current_dir().unwrap_or_default());
    let result = if json {
        write_json(&reported, out)
    } else {
        write_text(&reported, out)
    };
    if result.is_err() {
        return 2;
    }
    i32::from(reported.iter().any(|it| it.severity == Severity::Error))
}

/// Builds the model of a directory on disk, with the host's library and name tables.
pub fn build_model(dir: &Path) -> Model {
    model::build(dir, &disk_environment(dir))
}

/// The environment of a directory on disk: the host's library and name tables.
pub fn disk_environment(dir: &Path) -> Environment<'static> {
    let family = model::family_of(dir, &DiskVfs);
    Environment {
        vfs: &DiskVfs,
        library_dirs: disk::library_dirs(family),
        names: Arc::new(disk::name_tables()),
        parse_cache: None,
    }
}

/// What `check` reports for a directory on disk, with paths relative to `cwd`.
pub fn check_directory(dir: &Path, cwd: &Path) -> Vec<Reported> {
    let env = disk_environment(dir);
    let model = model::build(dir, &env);
    report_all(&model, &env, cwd)
}

/// [`report`], and what the compile stage finds (see [`rejection::compile_stage`]): the
/// compiler's error when the model has none, else its warnings (`compile-warning`) on the
/// record's line, except one the model gives already on that line with the same text.
/// Everything `check` reports.
pub fn report_all(model: &Model, env: &Environment<'_>, cwd: &Path) -> Vec<Reported> {
    let mut res = report(model, cwd);
    let stage = rejection::compile_stage(model, env);
    let rejection = stage.rejection.and_then(|it| {
        let place = it.place;
        reported_compile(
            model,
            env,
            place,
            Severity::Error,
            COMPILE_ERROR,
            it.message,
            cwd,
        )
    });
    let warnings = stage.warnings.into_iter().filter_map(|it| {
        let place = it.place;
        reported_compile(
            model,
            env,
            place,
            Severity::Warning,
            COMPILE_WARNING,
            it.message,
            cwd,
        )
    });
    let mut added = false;
    for it in rejection.into_iter().chain(warnings) {
        let given = res
            .iter()
            .any(|it2| it2.path == it.path && it2.line == it.line && it2.message == it.message);
        if !given {
            res.push(it);
            added = true;
        }
    }
    if added {
        sort(&mut res);
    }
    res
}

/// A finding of the compiler as a diagnostic: on the record's range in a file of the model,
/// else on the whole line the compiler names.
fn reported_compile(
    model: &Model,
    env: &Environment<'_>,
    place: Place,
    severity: Severity,
    code: &'static str,
    message: String,
    cwd: &Path,
) -> Option<Reported> {
    match place {
        Place::Site(site) => {
            let file = model.file(site.file)?;
            if file.origin != Origin::Config {
                return None;
            }
            let diagnostic = Diagnostic {
                severity,
                ..Diagnostic::error(code, site, message)
            };
            Some(reported(&diagnostic, file, cwd))
        }
        Place::Line(path, line) => {
            let text = env.vfs.read(&path).ok();
            let width = text
                .as_deref()
                .and_then(|it| it.lines().nth(line.saturating_sub(1) as usize))
                .map_or(0, |it| it.chars().count() as u32);
            Some(Reported {
                path: shown_path(&path, cwd),
                line,
                column: 1,
                end_line: line,
                end_column: width + 1,
                severity,
                code,
                message,
            })
        }
    }
}

/// The diagnostics of the directory's own files, with paths relative to `cwd` and 1-based
/// positions, sorted by file and position.
pub fn report(model: &Model, cwd: &Path) -> Vec<Reported> {
    let mut res = Vec::new();
    for diagnostic in &model.diagnostics {
        let Some(file) = model.file(diagnostic.site.file) else {
            continue;
        };
        if file.origin != Origin::Config {
            continue;
        }
        res.push(reported(diagnostic, file, cwd));
    }
    sort(&mut res);
    res
}

/// Sorted by file and position, without repeats.
fn sort(reported: &mut Vec<Reported>) {
    reported.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.code, &b.message))
    });
    reported.dedup();
}

/// A path as the user would type it from `cwd` (`./rules` is shown as `rules`).
fn shown_path(path: &Path, cwd: &Path) -> String {
    let path: PathBuf = path
        .strip_prefix(cwd)
        .unwrap_or(path)
        .components()
        .filter(|it| *it != std::path::Component::CurDir)
        .collect();
    path.display().to_string()
}

fn reported(diagnostic: &Diagnostic, file: &model::SourceFile, cwd: &Path) -> Reported {
    let start = file.line_index.line_col(diagnostic.site.range.start());
    let end = file.line_index.line_col(diagnostic.site.range.end());
    // Columns are counted in characters, as editors and quickfix lists expect.
    let column = |pos: shorewall_syntax::LineCol| -> u32 {
        let line_start = file
            .line_index
            .offset(shorewall_syntax::LineCol {
                line: pos.line,
                col: 0,
            })
            .unwrap_or_default();
        let start = usize::from(line_start);
        let end = start + pos.col as usize;
        file.text
            .get(start..end)
            .map_or(pos.col, |it| it.chars().count() as u32)
            + 1
    };
    Reported {
        path: shown_path(&file.path, cwd),
        line: start.line + 1,
        column: column(start),
        end_line: end.line + 1,
        end_column: column(end),
        severity: diagnostic.severity,
        code: diagnostic.code,
        message: diagnostic.message.clone(),
    }
}

fn write_text(reported: &[Reported], out: &mut dyn Write) -> std::io::Result<()> {
    for it in reported {
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            it.path,
            it.line,
            it.column,
            it.severity.as_str(),
            it.message,
            it.code
        )?;
    }
    Ok(())
}

fn write_json(reported: &[Reported], out: &mut dyn Write) -> std::io::Result<()> {
    write!(out, "[")?;
    for (idx, it) in reported.iter().enumerate() {
        if idx > 0 {
            write!(out, ",")?;
        }
        write!(
            out,
            "\n  {{\"path\": {}, \"line\": {}, \"column\": {}, \"end_line\": {}, \"end_column\": {}, \"severity\": \"{}\", \"code\": \"{}\", \"message\": {}}}",
            json_string(&it.path),
            it.line,
            it.column,
            it.end_line,
            it.end_column,
            it.severity.as_str(),
            it.code,
            json_string(&it.message)
        )?;
    }
    writeln!(out, "\n]")
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut res = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => res.push_str("\\\""),
            '\\' => res.push_str("\\\\"),
            '\n' => res.push_str("\\n"),
            '\r' => res.push_str("\\r"),
            '\t' => res.push_str("\\t"),
            c if (c as u32) < 0x20 => res.push_str(&format!("\\u{:04x}", c as u32)),
            c => res.push(c),
        }
    }
    res.push('"');
    res
}

#[cfg(test)]
mod tests {
    use std::{
        path::{Path, PathBuf},
        sync::Arc,
    };

    use expect_test::{expect, Expect};

    use crate::{
        compile::{lower, FatalKind},
        model::{self, Environment, MemoryVfs},
    };

    /// A small directory (`shorewall6` or `shorewall`, which decides the family) with `extra`
    /// files added.
    fn directory(dir_name: &str, extra: &[(&str, &str)]) -> (PathBuf, MemoryVfs) {
        let dir = Path::new("/cfg").join(dir_name);
        let (conf, zones) = if dir_name == "shorewall" {
            ("shorewall.conf", "fw firewall\nnet ipv4\nloc ipv4\n")
        } else {
            ("shorewall6.conf", "fw firewall\nnet ipv6\nloc ipv6\n")
        };
        let mut vfs = MemoryVfs::default();
        let base = [
            (conf, ""),
            ("zones", zones),
            ("interfaces", "net eth0\nloc eth1\n"),
            ("policy", "$FW all ACCEPT\nall all REJECT\n"),
            ("rules", ""),
        ];
        for (name, text) in base.iter().chain(extra) {
            vfs.insert(dir.join(name), Arc::<str>::from(*text));
        }
        (dir, vfs)
    }

    /// `check`'s lines, with the end of each range.
    fn check(dir_name: &str, extra: &[(&str, &str)], expect: Expect) {
        let (dir, vfs) = directory(dir_name, extra);
        let env = Environment::builtin(&vfs);
        let model = model::build(&dir, &env);
        let shown: String = super::report_all(&model, &env, &dir)
            .iter()
            .map(|it| {
                format!(
                    "{}:{}:{}-{}:{}: {}: {} [{}]\n",
                    it.path,
                    it.line,
                    it.column,
                    it.end_line,
                    it.end_column,
                    it.severity.as_str(),
                    it.message,
                    it.code
                )
            })
            .collect();
        expect.assert_eq(&shown);
    }

    /// How the compiler stops on the directory, if it does.
    fn stops(dir_name: &str, extra: &[(&str, &str)]) -> Option<FatalKind> {
        let (dir, vfs) = directory(dir_name, extra);
        let env = Environment::builtin(&vfs);
        let model = model::build(&dir, &env);
        lower::compile(&model, &env).err().map(|it| it.kind)
    }

    #[test]
    fn an_error_in_a_file_only_the_compiler_reads_is_reported_on_its_line() {
        check(
            "shorewall6",
            &[("masq", "# comment\nMASQUERADE\teth0\tbogus!!\n")],
            expect![[r#"
                masq:2:1-2:24: error: Unknown interface (MASQUERADE) [compile-error]
            "#]],
        );
        check(
            "shorewall6",
            &[("snat", "SNAT(2001:db8::1)\tfoo:bar\teth0\n")],
            expect![[r#"
                snat:1:1-1:31: error: Unknown Host (foo:bar) [compile-error]
            "#]],
        );
    }

    #[test]
    fn the_compilers_warnings_are_reported_on_their_record() {
        // eth2 is destonly: every rule from dz warns, in the rules file. NotSyn's body warns
        // again at a line of the library's action.NotSyn, which is dropped (the compiler does
        // not say which rule invoked it; Shorewall adds "from rules (line 4)"). The log prefix
        // is shortened: the model says so already, with the same text on the same line. The
        // tos file's warning is on its record.
        check(
            "shorewall6",
            &[
                ("zones", "fw firewall\nnet ipv6\nloc ipv6\ndz ipv6\n"),
                ("interfaces", "net eth0\nloc eth1\ndz eth2 - destonly\n"),
                (
                    "rules",
                    "ACCEPT\tloc\t$FW\nACCEPT\tloc\t$FW\ttcp\t22\n\
                     ACCEPT:info:averyveryverylongtag\tnet\t$FW\ttcp\t80\n\
                     NotSyn(ACCEPT)\tdz\t$FW\n",
                ),
                ("tos", "# tos\nall\tall\ttcp\t-\t22\t16\n"),
            ],
            expect![[r#"
                rules:2:1-2:22: warning: One or more unreachable rules in chain loc-fw have been discarded [compile-warning]
                rules:3:1-3:33: warning: Log Prefix shortened to "Shorewall:net-fw:ACCEPT:aver " [log-prefix-truncated]
                rules:4:1-4:22: warning: The SOURCE zone in this rule is 'destonly' [compile-warning]
                tos:2:1-2:20: warning: Use of the tos file is no longer supported -- use the TOS target in the mangle file instead [compile-warning]
            "#]],
        );
    }

    #[test]
    fn an_undefined_variable_in_a_file_only_the_compiler_reads_is_reported_for_both_families() {
        // Shorewall reads masq, then snat (unless masq has records), then the rules, then
        // accounting (when ACCOUNTING is on); it stops at the first line it cannot expand.
        let strict = "IGNOREUNKNOWNVARIABLES=No\n";
        for (dir_name, conf) in [
            ("shorewall", "shorewall.conf"),
            ("shorewall6", "shorewall6.conf"),
        ] {
            check(
                dir_name,
                &[
                    (conf, strict),
                    ("snat", "MASQUERADE\t$NOPE\teth0\n"),
                    ("accounting", "DONE\t$NOPE2\n"),
                ],
                expect![[r#"
                    snat:1:1-1:22: error: Undefined shell variable ($NOPE) [compile-error]
                "#]],
            );
        }
        check(
            "shorewall",
            &[
                (
                    "shorewall.conf",
                    "IGNOREUNKNOWNVARIABLES=No\nACCOUNTING=No\n",
                ),
                ("masq", "eth0\t10.0.0.0/8\n"),
                ("snat", "MASQUERADE\t$NOPE\teth0\n"),
                ("accounting", "DONE\t$NOPE2\n"),
            ],
            expect![""],
        );
        check(
            "shorewall",
            &[
                ("shorewall.conf", strict),
                ("masq", "eth0\t$NOPE3\n"),
                ("snat", "MASQUERADE\t$NOPE\teth0\n"),
            ],
            expect![[r#"
                masq:1:1-1:12: error: Undefined shell variable ($NOPE3) [compile-error]
            "#]],
        );
        // The compiler's error in a file read before comes first.
        check(
            "shorewall6",
            &[
                ("shorewall6.conf", strict),
                ("snat", "MASQUERADE\t2001:db8::/64\teth9\n"),
                ("conntrack", "CT:helper:ftp\tnet\t$NOPE\n"),
            ],
            expect![[r#"
                snat:1:1-1:30: error: Unknown interface (eth9) [compile-error]
            "#]],
        );
    }

    #[test]
    fn a_record_with_too_many_columns_is_reported_on_its_line() {
        // Shorewall's `split_line` counts the columns of every file it reads, after expansion.
        check(
            "shorewall6",
            &[
                ("providers", "isp1 1 1 - eth0 2001:db8::1 track - extra\n"),
                ("routes", "isp1 2001:db8:1::/64\n"),
            ],
            expect![[r#"
                providers:1:1-1:42: error: Invalid providers file entry (too many columns) [compile-error]
            "#]],
        );
        check(
            "shorewall6",
            &[
                ("providers", "isp1 1 1 - eth0 2001:db8::1 track\n"),
                ("params", "VIA=\"2001:db8::2 eth0\"\n"),
                (
                    "routes",
                    "isp1 2001:db8:1::/64\nisp1 2001:db8:2::/64 $VIA - persistent\n",
                ),
            ],
            expect![[r#"
                routes:2:1-2:39: error: Invalid routes file entry (too many columns) [compile-error]
            "#]],
        );
        check(
            "shorewall6",
            &[("tunnels", "gre net - - net { gateway=2001:db8::9 }\n")],
            expect![[r#"
                tunnels:1:1-1:40: error: Invalid tunnels file entry (too many columns) [compile-error]
            "#]],
        );
    }

    #[test]
    fn a_forbidden_character_in_a_file_only_the_compiler_reads_is_reported_for_both_families() {
        // `split_line2` rejects a backslash that is no line continuation before it looks at
        // the columns (a real providers file had `track,balance\` from a shell here-doc).
        for dir_name in ["shorewall", "shorewall6"] {
            check(
                dir_name,
                &[(
                    "providers",
                    "isp1 1 1 main eth0 detect track,balance\\  eth1\n",
                )],
                expect![[r#"
                    providers:1:1-1:47: error: Shorewall Configuration file entries may not contain double quotes, single back quotes or backslashes [compile-error]
                "#]],
            );
        }
        // An undefined variable on the same line is found first: the line is expanded first.
        check(
            "shorewall",
            &[
                ("shorewall.conf", "IGNOREUNKNOWNVARIABLES=No\n"),
                ("snat", "MASQUERADE\t$NOPE\teth0 'x'\n"),
            ],
            expect![[r#"
                snat:1:1-1:26: error: Undefined shell variable ($NOPE) [compile-error]
            "#]],
        );
        check(
            "shorewall",
            &[("snat", "MASQUERADE\t10.0.0.0/8\teth0 'x'\n")],
            expect![[r#"
                snat:1:1-1:31: error: Shorewall Configuration file entries may not contain single quotes [compile-error]
            "#]],
        );
    }

    #[test]
    fn configuration_files_are_found_along_config_path() {
        // Shorewall looks for a file the directory lacks in CONFIG_PATH's other directories;
        // a leading `:` drops the first one when it compiles for export, as the oracle does.
        let site_conntrack = ("/site/conntrack", "NOTRACK\tnte\n");
        let with_path = |path: &str| {
            let (dir, mut vfs) = directory(
                "shorewall6",
                &[("shorewall6.conf", &format!("CONFIG_PATH={path}\n"))],
            );
            vfs.insert(
                PathBuf::from(site_conntrack.0),
                Arc::<str>::from(site_conntrack.1),
            );
            let env = Environment::builtin(&vfs);
            let model = model::build(&dir, &env);
            super::report_all(&model, &env, &dir)
                .iter()
                .map(|it| format!("{}:{}: {} [{}]\n", it.path, it.line, it.message, it.code))
                .collect::<String>()
        };
        expect![[r#"
            /site/conntrack:1: Unknown zone (NOTRACK) [compile-error]
        "#]]
        .assert_eq(&with_path(
            "/site:/usr/share/shorewall6:/usr/share/shorewall",
        ));
        expect![""].assert_eq(&with_path(
            ":/site:/usr/share/shorewall6:/usr/share/shorewall",
        ));
    }

    #[test]
    fn the_model_errors_come_alone() {
        // The compiler runs only on a model without errors: one mistake, one error.
        check(
            "shorewall6",
            &[
                ("rules", "ACCEPT nte $FW tcp 22\n"),
                ("masq", "MASQUERADE\teth0\tbogus!!\n"),
            ],
            expect![[r#"
                rules:1:8-1:11: error: Unknown source zone (nte); did you mean 'net'? [unknown-zone]
            "#]],
        );
    }

    #[test]
    fn what_the_preview_refuses_is_no_error() {
        // An interface as masq SOURCE, and one as conntrack DEST in PREROUTING (Shorewall
        // loops over their networks at run time).
        let refused: [&[(&str, &str)]; 2] = [
            &[("masq", "eth0\teth1\n")],
            &[("conntrack", "?FORMAT 3\nCT:notrack\t-\teth0\tudp\t53\n")],
        ];
        for extra in refused {
            assert_eq!(stops("shorewall6", extra), Some(FatalKind::Unsupported));
            check("shorewall6", extra, expect![""]);
        }
    }

    #[test]
    fn a_refused_snat_record_does_not_hide_shorewalls_error_on_a_later_one() {
        // A real snat had an interface as SOURCE on its first line and no DEST on its second.
        let snat = "MASQUERADE\teth1\teth0\nSNAT(2001:db8::1)\t::/0\n";
        check(
            "shorewall6",
            &[("snat", snat)],
            expect![[r#"
                snat:2:1-2:23: error: DEST must be specified [compile-error]
            "#]],
        );
        check(
            "shorewall6",
            &[("masq", "eth0\teth1\n-\t::/0\n")],
            expect![[r#"
                masq:2:1-2:7: error: INTERFACE must be specified [compile-error]
            "#]],
        );
    }

    #[test]
    fn each_invalid_interface_option_is_placed_on_the_option() {
        // A real IPv4 directory had two options of the other family in one list; Shorewall
        // names the first (`routefilter` here, in IPv6) and stops, so it must come first.
        let interfaces = "?FORMAT 2\nnet\teth0\nloc\teth1\ttcpflags,routefilter,arp_filter\n";
        check(
            "shorewall6",
            &[("interfaces", interfaces)],
            expect![[r#"
                interfaces:3:19-3:30: error: Invalid Interface option (routefilter) [invalid-interface-option]
                interfaces:3:31-3:41: error: Invalid Interface option (arp_filter) [invalid-interface-option]
            "#]],
        );
    }

    #[test]
    fn a_refused_rule_does_not_hide_shorewalls_error_in_a_file_read_after_the_rules() {
        // A params line the shell computes made a rule unknowable to the preview, and the
        // conntrack file, which Shorewall reads after the rules, named a zone in its first
        // column (format 1 wants an action there).
        let params = "HOST=$(echo 2001:db8::1)\n";
        let rules = "ACCEPT\tnet:$HOST\t$FW\ttcp\t22\n";
        check(
            "shorewall6",
            &[
                ("params", params),
                ("rules", rules),
                ("conntrack", "NOTRACK\tnet\t-\tudp\t123\n"),
            ],
            expect![[r#"
                conntrack:1:1-1:22: error: Unknown zone (NOTRACK) [compile-error]
                params:1:1-1:25: warning: this params line is shell, which shorewall-ls does not run: the value of $HOST is unknown [params-not-evaluated]
            "#]],
        );
        // Without the mistake, the preview's refusal stands: Shorewall accepts it.
        assert_eq!(
            stops("shorewall6", &[("params", params), ("rules", rules)]),
            Some(FatalKind::Unsupported)
        );
    }

    #[test]
    fn a_comment_only_the_run_time_can_expand_is_refused_on_its_rule() {
        let (dir, vfs) = directory(
            "shorewall6",
            &[(
                "rules",
                "?COMMENT from $PATH\nACCEPT\tnet\t$FW\ttcp\t80\n?COMMENT\n",
            )],
        );
        let env = Environment::builtin(&vfs);
        let model = model::build(&dir, &env);
        let failure = lower::compile(&model, &env).expect_err("refused");
        assert_eq!(failure.kind, FatalKind::Unsupported);
        assert_eq!(failure.place, Some((dir.join("rules"), 2)));
        // Shorewall accepts it: check says nothing.
        check(
            "shorewall6",
            &[(
                "rules",
                "?COMMENT from $PATH\nACCEPT\tnet\t$FW\ttcp\t80\n?COMMENT\n",
            )],
            expect![""],
        );
    }

    #[test]
    fn an_empty_action_beside_its_old_perl_script_is_an_error_where_it_is_invoked() {
        // A pre-4.5 action: an empty action file and a Perl script named after the action.
        let old_action: &[(&str, &str)] = &[
            ("actions", "Knock\n"),
            ("action.Knock", ""),
            ("Knock", "add_rule( $chainref, '-j ACCEPT' );\n1;\n"),
            ("rules", "ACCEPT net $FW tcp 80\nKnock net $FW\n"),
        ];
        check(
            "shorewall6",
            old_action,
            expect![[r#"
                rules:2:1-2:14: error: File action.Knock is empty and file Knock exists - the two must be combined as described in the Migration Considerations section of the Shorewall release notes [compile-error]
            "#]],
        );
        // Without the script, an empty action is no error.
        let without_script: Vec<_> = old_action
            .iter()
            .copied()
            .filter(|(name, _)| *name != "Knock")
            .collect();
        check("shorewall6", &without_script, expect![""]);
    }

    #[test]
    fn ipv4_configurations_and_lone_files_are_not_compiled() {
        // The compiler makes ip6tables rules only.
        let masq: &[(&str, &str)] = &[("masq", "MASQUERADE\teth0\tbogus!!\n")];
        assert_eq!(stops("shorewall", masq), Some(FatalKind::Unsupported));
        check("shorewall", masq, expect![""]);
        // Without shorewall6.conf Shorewall stops at once, which says nothing about the file
        // being edited.
        let dir = Path::new("/cfg/lone");
        let mut vfs = MemoryVfs::default();
        vfs.insert(
            dir.join("masq"),
            Arc::<str>::from("MASQUERADE\teth0\tbogus!!\n"),
        );
        let env = Environment::builtin(&vfs);
        let model = model::build(dir, &env);
        assert!(!super::report_all(&model, &env, dir)
            .iter()
            .any(|it| it.code == super::COMPILE_ERROR));
    }
}
