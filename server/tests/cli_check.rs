//! `shorewall-ls check [DIR] [--format json]`, run as a user runs it: one diagnostic a line as
//! `PATH:LINE:COL: SEVERITY: MESSAGE [CODE]` with PATH relative to the working directory, sorted
//! by file and position; the same fields as a JSON array with `--format json`; exit 1 with an
//! error, 0 otherwise, 2 for usage errors and unreadable input. Also the README's examples:
//! `examples/shorewall6` is clean and `examples/mistakes` gives exactly its five mistakes.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use expect_test::expect;

/// A directory of its own for each test, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "shorewall-ls-cli-check-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, relative: &str, content: &str) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
    }

    /// A small shorewall6 directory under `name`, with `rules` as given.
    fn config(&self, name: &str, rules: &str) {
        self.file(&format!("{name}/shorewall6.conf"), "");
        self.file(
            &format!("{name}/zones"),
            "fw firewall\nnet ipv6\nloc ipv6\n",
        );
        self.file(&format!("{name}/interfaces"), "net eth0\nloc eth1\n");
        self.file(
            &format!("{name}/policy"),
            "$FW all ACCEPT\nloc net ACCEPT\nall all REJECT info\n",
        );
        self.file(&format!("{name}/rules"), rules);
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(cwd: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_shorewall-ls"))
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Messages name the library file a macro comes from: the machine's `/usr/share/shorewall`
/// or the built-in copy, depending on where the test runs.
fn without_library_dir(text: &str) -> String {
    text.replace("/usr/share/shorewall6/", "<library>/")
        .replace("/usr/share/shorewall/", "<library>/")
        .replace("<built-in shorewall-5.2.8>/shorewall6/", "<library>/")
        .replace("<built-in shorewall-5.2.8>/shorewall/", "<library>/")
}

#[test]
fn the_clean_example_has_no_diagnostics() {
    let out = check(&workspace_root(), &["examples/shorewall6"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn the_example_with_mistakes_gives_exactly_its_mistakes() {
    let out = check(&workspace_root(), &["examples/mistakes"]);
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    expect![[r#"
        examples/mistakes/rules:2:1: error: Unknown ACTION (SECTION): Shorewall 5 writes '?SECTION', not the 4.4 spelling 'SECTION' [old-spelling]
        examples/mistakes/rules:8:17: error: Undefined shell variable ($ADMIN) [undefined-variable]
        examples/mistakes/rules:9:18: error: Unknown destination zone (nte); did you mean 'net'? (in macro DNS, <library>/macro.DNS line 9) [unknown-zone]
        examples/mistakes/rules:13:41: error: Invalid/Unknown tcp port/service (htps) [invalid-port]
        examples/mistakes/rules:14:8: error: Invalid log level (INOF) [invalid-log-level]
    "#]]
    .assert_eq(&without_library_dir(&out.stdout));
}

#[test]
fn paths_are_relative_to_the_working_directory_and_dir_defaults_to_dot() {
    let tmp = TempDir::new("relative");
    tmp.config("shorewall6", "ACCEPT\tnte\t$FW\ttcp\t22\n");
    let from_parent = check(&tmp.0, &["shorewall6"]);
    let inside = check(&tmp.0.join("shorewall6"), &[]);
    let dot = check(&tmp.0.join("shorewall6"), &["."]);
    tmp.file("elsewhere/file", "");
    let absolute = check(
        &tmp.0.join("elsewhere"),
        &[tmp.0.join("shorewall6").to_str().unwrap()],
    );
    assert_eq!(
        (from_parent.code, inside.code, dot.code, absolute.code),
        (1, 1, 1, 1)
    );
    expect![[r#"
        shorewall6/rules:1:8: error: Unknown source zone (nte); did you mean 'net'? [unknown-zone]
    "#]]
    .assert_eq(&from_parent.stdout);
    expect![[r#"
        rules:1:8: error: Unknown source zone (nte); did you mean 'net'? [unknown-zone]
    "#]]
    .assert_eq(&inside.stdout);
    assert_eq!(dot.stdout, inside.stdout);
    // Outside the working directory, the path is the absolute one.
    assert_eq!(
        absolute.stdout,
        format!("{}/{}", tmp.0.join("shorewall6").display(), inside.stdout)
    );
}

#[test]
fn diagnostics_are_sorted_by_file_and_position() {
    let tmp = TempDir::new("sorted");
    tmp.config(
        "shorewall6",
        "ACCEPT\tnet\t$FW\ttcp\t70000\nACCEPT:inof\tnte\t$FW\ttcp\t22\n",
    );
    tmp.file(
        "shorewall6/zones",
        "fw firewall\nnet ipv6\nloc ipv6\ndmz ipv6\n",
    );
    tmp.file(
        "shorewall6/shorewall6.conf",
        "OPTIMIZE=Fast\nSTARTUP_ENABLE=Yes\n",
    );
    let out = check(&tmp.0, &["shorewall6"]);
    assert_eq!(out.code, 1);
    expect![[r#"
        shorewall6/rules:1:20: error: Invalid/Unknown 6 port/service (70000) [invalid-port]
        shorewall6/rules:2:13: error: Unknown source zone (nte); did you mean 'net'? [unknown-zone]
        shorewall6/shorewall6.conf:1:1: error: Invalid OPTIMIZE value (Fast) [invalid-setting]
        shorewall6/shorewall6.conf:2:1: warning: Unknown configuration option (STARTUP_ENABLE) ignored [unknown-setting]
        shorewall6/zones:4:1: warning: *** dmz is an EMPTY ZONE *** [empty-zone]
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn json_has_the_same_fields() {
    let tmp = TempDir::new("json");
    tmp.config("shorewall6", "ACCEPT\tnte\t$FW\ttcp\t22 # \"quoted\"\n");
    let text = check(&tmp.0, &["shorewall6"]);
    let json = check(&tmp.0, &["--format", "json", "shorewall6"]);
    let json_eq = check(&tmp.0, &["shorewall6", "--format=json"]);
    assert_eq!((text.code, json.code), (1, 1));
    assert_eq!(json.stdout, json_eq.stdout);
    expect![[r#"
        [
          {"path": "shorewall6/rules", "line": 1, "column": 8, "end_line": 1, "end_column": 11, "severity": "error", "code": "unknown-zone", "message": "Unknown source zone (nte); did you mean 'net'?"}
        ]
    "#]]
    .assert_eq(&json.stdout);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let from_json: Vec<String> = parsed
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            format!(
                "{}:{}:{}: {}: {} [{}]\n",
                it["path"].as_str().unwrap(),
                it["line"],
                it["column"],
                it["severity"].as_str().unwrap(),
                it["message"].as_str().unwrap(),
                it["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(from_json.concat(), text.stdout);
}

#[test]
fn json_of_a_clean_directory_is_an_empty_array() {
    let out = check(
        &workspace_root(),
        &["--format", "json", "examples/shorewall6"],
    );
    assert_eq!(out.code, 0);
    let parsed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(parsed, serde_json::json!([]));
}

#[test]
fn warnings_alone_exit_0() {
    let tmp = TempDir::new("warnings");
    tmp.config("shorewall6", "ACCEPT\tnet\t$FW\ttcp\t22\n");
    tmp.file("shorewall6/shorewall6.conf", "STARTUP_ENABLE=Yes\n");
    let out = check(&tmp.0, &["shorewall6"]);
    assert_eq!(out.code, 0);
    expect![[r#"
        shorewall6/shorewall6.conf:1:1: warning: Unknown configuration option (STARTUP_ENABLE) ignored [unknown-setting]
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn usage_errors_and_unreadable_input_exit_2() {
    let tmp = TempDir::new("usage");
    tmp.config("shorewall6", "");
    tmp.file("a-file", "");
    let cases: [&[&str]; 6] = [
        &["missing"],
        &["a-file"],
        &["--format", "xml", "shorewall6"],
        &["--format"],
        &["--bogus", "shorewall6"],
        &["shorewall6", "shorewall6"],
    ];
    let mut res = String::new();
    for args in cases {
        let out = check(&tmp.0, args);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{args:?}");
        res.push_str(&format!("{args:?}: {}", out.stderr));
    }
    expect![[r#"
        ["missing"]: shorewall-ls check: missing is not a directory
        ["a-file"]: shorewall-ls check: a-file is not a directory
        ["--format", "xml", "shorewall6"]: shorewall-ls check: --format takes 'text' or 'json'
        ["--format"]: shorewall-ls check: --format takes 'text' or 'json'
        ["--bogus", "shorewall6"]: shorewall-ls check: unknown option '--bogus'
        usage: shorewall-ls check [DIR] [--format json]
        ["shorewall6", "shorewall6"]: shorewall-ls check: only one directory may be given
    "#]]
    .assert_eq(&res);
}
