//! `shorewall-ls syntax FILE`, run as a user runs it: the tree in rowan's debug format, then
//! `LINE:COL: message` lines; exit 0 without syntax errors, 1 with some, 2 when the file can't
//! be read (a clear message on stderr, also for a file that is not UTF-8).

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
            "shorewall-ls-cli-syntax-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
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

fn syntax(args: &[&Path]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_shorewall-ls"))
        .arg("syntax")
        .args(args)
        .output()
        .unwrap();
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn a_clean_file_prints_its_tree_and_exits_0() {
    let dir = TempDir::new("clean");
    let rules = dir.file(
        "shorewall6/rules",
        b"ACCEPT\tnet:eth0:[2001:db8::1]\t$FW\ttcp\t22\n",
    );
    let out = syntax(&[&rules]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    expect![[r#"
        SOURCE_FILE@0..41
          RECORD@0..40
            COLUMN@0..6
              ACTION_SPEC@0..6
                ACTION_NAME@0..6
                  WORD@0..6 "ACCEPT"
            WHITESPACE@6..7 "\t"
            COLUMN@7..29
              HOST_SPEC@7..29
                ZONE_REF@7..10
                  WORD@7..10 "net"
                COLON@10..11 ":"
                INTERFACE_REF@11..15
                  WORD@11..15 "eth0"
                COLON@15..16 ":"
                ADDRESS_LIST@16..29
                  L_BRACK@16..17 "["
                  ADDRESS@17..28
                    WORD@17..28 "2001:db8::1"
                  R_BRACK@28..29 "]"
            WHITESPACE@29..30 "\t"
            COLUMN@30..33
              HOST_SPEC@30..33
                ZONE_REF@30..33
                  DOLLAR_REF@30..33 "$FW"
            WHITESPACE@33..34 "\t"
            COLUMN@34..37
              PROTO_LIST@34..37
                PROTO@34..37
                  WORD@34..37 "tcp"
            WHITESPACE@37..38 "\t"
            COLUMN@38..40
              PORT_LIST@38..40
                PORT@38..40
                  WORD@38..40 "22"
          NEWLINE@40..41 "\n"
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn syntax_errors_follow_the_tree_and_exit_1() {
    let dir = TempDir::new("errors");
    let rules = dir.file(
        "shorewall6/rules",
        "ACCEPT\tnet\t$FW\n\u{e9}\u{e9} SSH(ACCEPT\tnet\n?ENDIF\n".as_bytes(),
    );
    let out = syntax(&[&rules]);
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert!(
        out.stdout.starts_with("SOURCE_FILE@0..42\n"),
        "{}",
        out.stdout
    );
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|it| !it.starts_with(' ') && !it.starts_with("SOURCE_FILE"))
        .collect();
    // Columns count characters: the `(` of `SSH(` is the 7th character of line 2 (its 9th byte).
    expect![[r#"
        [
            "2:1: non-ASCII or control character in a record",
            "2:7: mismatched parentheses: '(' is not closed",
            "3:1: ?ENDIF without matching ?IF",
        ]
    "#]]
    .assert_debug_eq(&errors);
}

#[test]
fn the_family_comes_from_the_directory() {
    let dir = TempDir::new("family");
    let line = b"ACCEPT\tnet:eth0:2001:db8::1\t$FW\n";
    let ipv6 = syntax(&[&dir.file("shorewall6/rules", line)]);
    let ipv4 = syntax(&[&dir.file("shorewall/rules", line)]);
    // IPv6 reads `eth0:2001:db8::1` as addresses (Shorewall then rejects it); IPv4 splits the
    // interface off at the first colon.
    assert!(ipv6.stdout.contains("WORD@11..27 \"eth0:2001:db8::1\""));
    assert!(ipv4.stdout.contains("INTERFACE_REF@11..15"));
    assert_eq!((ipv6.code, ipv4.code), (0, 0));
}

#[test]
fn a_file_that_cannot_be_read_exits_2() {
    let dir = TempDir::new("unreadable");
    let missing = syntax(&[&dir.0.join("rules")]);
    assert_eq!(missing.code, 2);
    assert!(missing.stdout.is_empty());
    assert!(
        missing.stderr.starts_with("shorewall-ls: ") && missing.stderr.contains("rules"),
        "{}",
        missing.stderr
    );

    let directory = syntax(&[&dir.0]);
    assert_eq!(directory.code, 2);
    assert!(
        directory.stderr.contains("not a regular file"),
        "{}",
        directory.stderr
    );
}

#[test]
fn a_file_that_is_not_utf8_exits_2_with_a_clear_message() {
    let dir = TempDir::new("latin1");
    let rules = dir.file("shorewall6/rules", b"# caf\xe9\nACCEPT\tnet\t$FW\n");
    let out = syntax(&[&rules]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("not UTF-8 text (invalid byte at offset 5)"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = syntax(&[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("usage: shorewall-ls syntax FILE"),
        "{}",
        out.stderr
    );
    let two = syntax(&[Path::new("a"), Path::new("b")]);
    assert_eq!(two.code, 2);
}
