//! The `fmt` command on real files in a temporary directory: what it rewrites, what it skips,
//! `--check`, standard input, configuration files, exit codes, and a write that fails.

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU32, Ordering},
};

use expect_test::{expect, Expect};

use super::{replace::replace_file_with, run_with_stdin};

/// A directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("shorewall-ls-fmt-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).expect("create dir");
        }
        fs::write(&path, text).expect("write");
        path
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.0.join(name)).expect("read")
    }

    /// The file names in the directory, hidden ones included.
    fn names(&self) -> Vec<String> {
        let mut res: Vec<String> = fs::read_dir(&self.0)
            .expect("read dir")
            .flatten()
            .map(|it| it.file_name().to_string_lossy().into_owned())
            .collect();
        res.sort();
        res
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs `fmt` with `args` (`$DIR` replaced by `dir`) and standard input `stdin`; shows the exit
/// code, standard output and standard error, with `dir` shown as `$DIR`.
fn run(dir: &Path, args: &[&str], stdin: &str) -> String {
    let shown = dir.display().to_string();
    let args: Vec<String> = args.iter().map(|it| it.replace("$DIR", &shown)).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with_stdin(&args, &mut stdin.as_bytes(), &mut out, &mut err);
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).replace(&shown, "$DIR");
    format!(
        "exit {code}\n--- stdout\n{}--- stderr\n{}",
        text(out),
        text(err)
    )
}

#[track_caller]
fn check(dir: &Path, args: &[&str], stdin: &str, expect: Expect) {
    expect.assert_eq(&run(dir, args, stdin));
}

const RULES: &str =
    "#ACTION SOURCE DEST PROTO DPORT\nACCEPT net $FW tcp 22   \nSSH(ACCEPT) loc $FW\n";

#[test]
fn formats_a_directory_in_place() {
    let dir = TempDir::new();
    dir.write("rules", RULES);
    dir.write("zones", "fw firewall\nnet ipv6\n");
    dir.write("rules.bak", "ACCEPT   net   $FW\n");
    dir.write("README", "Some   text   \n");
    dir.write("start", "echo   hi   \n");
    dir.write("macros/macro.X", "PARAM   -   -   tcp   1\n");
    check(
        &dir.0,
        &["$DIR"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    expect![[r#"
        #ACTION         SOURCE  DEST    PROTO   DPORT
        ACCEPT          net     $FW     tcp     22
        SSH(ACCEPT)     loc     $FW
    "#]]
    .assert_eq(&dir.read("rules"));
    assert_eq!(dir.read("zones"), "fw      firewall\nnet     ipv6\n");
    assert_eq!(dir.read("rules.bak"), "ACCEPT   net   $FW\n");
    assert_eq!(dir.read("README"), "Some   text   \n");
    assert_eq!(dir.read("start"), "echo   hi   \n");
    assert_eq!(dir.read("macros/macro.X"), "PARAM   -   -   tcp   1\n");
    assert_eq!(
        dir.names(),
        ["README", "macros", "rules", "rules.bak", "start", "zones"]
    );
}

#[test]
fn check_prints_a_diff_and_changes_nothing() {
    let dir = TempDir::new();
    dir.write("rules", RULES);
    dir.write("zones", "fw      firewall\n");
    check(
        &dir.0,
        &["--check", "$DIR"],
        "",
        expect![[r#"
        exit 1
        --- stdout
        --- $DIR/rules
        +++ $DIR/rules
        @@ -1,3 +1,3 @@
        -#ACTION SOURCE DEST PROTO DPORT
        -ACCEPT net $FW tcp 22   
        -SSH(ACCEPT) loc $FW
        +#ACTION         SOURCE  DEST    PROTO   DPORT
        +ACCEPT          net     $FW     tcp     22
        +SSH(ACCEPT)     loc     $FW
        --- stderr
    "#]],
    );
    assert_eq!(dir.read("rules"), RULES);
    check(
        &dir.0,
        &["$DIR/rules"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    check(
        &dir.0,
        &["--check", "$DIR"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
}

#[test]
fn stdin_to_stdout() {
    let dir = TempDir::new();
    check(
        &dir.0,
        &["-"],
        RULES,
        expect![[r#"
        exit 0
        --- stdout
        #ACTION         SOURCE  DEST    PROTO   DPORT
        ACCEPT          net     $FW     tcp     22
        SSH(ACCEPT)     loc     $FW
        --- stderr
    "#]],
    );
    check(
        &dir.0,
        &["--stdin-filename", "zones", "--tabs", "-"],
        "#ZONE TYPE\nfw firewall\n",
        expect![[r#"
            exit 0
            --- stdout
            #ZONE	TYPE
            fw	firewall
            --- stderr
        "#]],
    );
    check(
        &dir.0,
        &["--check", "-"],
        "ACCEPT  net     $FW\n",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    check(
        &dir.0,
        &["-"],
        "ACCEPT   net:\"x\"   $FW",
        expect![[r#"
        exit 0
        --- stdout
        ACCEPT   net:"x"   $FW--- stderr
    "#]],
    );
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with_stdin(
        &["-".to_owned()],
        &mut &b"ACCEPT \xff\n"[..],
        &mut out,
        &mut err,
    );
    assert_eq!(code, 2);
    assert_eq!(
        String::from_utf8_lossy(&err),
        "shorewall-ls fmt: standard input: not UTF-8 text (invalid byte at offset 7)\n"
    );
}

#[test]
fn upgrade_only_when_asked() {
    let dir = TempDir::new();
    dir.write("rules", "SECTION NEW\nSSH/ACCEPT net $FW\n");
    check(
        &dir.0,
        &["$DIR"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    assert_eq!(
        dir.read("rules"),
        "SECTION NEW\nSSH/ACCEPT      net     $FW\n"
    );
    check(
        &dir.0,
        &["--upgrade", "$DIR"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    assert_eq!(
        dir.read("rules"),
        "?SECTION NEW\nSSH(ACCEPT)     net     $FW\n"
    );
}

#[test]
fn options_from_the_config_file_and_flags() {
    let dir = TempDir::new();
    dir.write(
        ".shorewall-ls.toml",
        "[format]\nuse_tabs = true\ntab_width = 4\n",
    );
    let rules = dir.write("etc/shorewall6/rules", "ACCEPT net $FW tcp 22\n");
    check(
        &dir.0,
        &["$DIR/etc/shorewall6"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    assert_eq!(
        dir.read("etc/shorewall6/rules"),
        "ACCEPT\tnet\t\t$FW\t\ttcp\t\t22\n"
    );
    check(
        &dir.0,
        &["--spaces", "--tab-width", "2", "$DIR/etc/shorewall6/rules"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    assert_eq!(
        fs::read_to_string(&rules).unwrap_or_default(),
        "ACCEPT  net   $FW   tcp   22\n"
    );
    dir.write(".shorewall-ls.toml", "[format]\nuse_tab = true\n");
    check(
        &dir.0,
        &["$DIR/etc/shorewall6"],
        "",
        expect![[r#"
        exit 2
        --- stdout
        --- stderr
        shorewall-ls fmt: $DIR/.shorewall-ls.toml: unknown key `use_tab` in [format] (known: align, use_tabs, tab_width, max_column_width)
    "#]],
    );
}

#[test]
fn usage_and_read_errors() {
    let dir = TempDir::new();
    dir.write("rules", "ACCEPT net $FW\n");
    dir.write("README", "Read me\n");
    fs::write(dir.0.join("policy"), b"net all DROP \xff\n").expect("write");
    check(
        &dir.0,
        &["--tab-width", "0", "$DIR"],
        "",
        expect![[r#"
        exit 2
        --- stdout
        --- stderr
        shorewall-ls fmt: --tab-width must be a whole number from 1 to 16, not '0'
        usage: shorewall-ls fmt [--check] [--upgrade] [OPTIONS] [PATH...]

        Formats Shorewall configuration files in place (PATH: a file or a configuration directory,
        default `.`; `-` reads standard input and writes standard output).

          --check                 print a unified diff of what would change; exit 1 if anything would
          --upgrade               also rewrite Shorewall 4.4 spellings (SECTION -> ?SECTION,
                                  COMMENT -> ?COMMENT, FORMAT -> ?FORMAT, Macro/TARGET -> Macro(TARGET))
          --align, --no-align     line columns up, or keep the spacing between them as written
          --tabs, --spaces        pad with tabs or with spaces
          --tab-width N           columns start on multiples of N
          --max-column-width N    a longer value does not widen its column for every line
          --stdin-filename NAME   the file name standard input stands for (default: rules)

        Options not given come from the nearest .shorewall-ls.toml ([format] table) in the file's
        directory or above it, then from the defaults.

    "#]],
    );
    check(
        &dir.0,
        &["--check", "$DIR", "$DIR/nope", "$DIR/README"],
        "",
        expect![[r#"
            exit 2
            --- stdout
            --- $DIR/rules
            +++ $DIR/rules
            @@ -1 +1 @@
            -ACCEPT net $FW
            +ACCEPT  net     $FW
            --- stderr
            shorewall-ls fmt: $DIR/policy: not UTF-8 text (invalid byte at offset 13)
            shorewall-ls fmt: $DIR/nope: No such file or directory (os error 2)
            shorewall-ls fmt: skipping $DIR/README: not a Shorewall configuration file
        "#]],
    );
}

#[test]
fn file_names() {
    let names = [
        "rules",
        "rules.bak",
        "rules~",
        ".rules.swp",
        "#rules#",
        "macro.SSH",
        "action.Drop",
        "shorewall6.conf",
        "shorewall6.conf.dpkg-dist",
        "params",
        "README",
        "README.txt",
        "start",
        "capabilities",
        "rules.annotated",
        "interfaces.orig",
        "snat",
    ];
    let kept: Vec<&str> = names
        .into_iter()
        .filter(|it| super::is_config_file(Path::new(it)))
        .collect();
    expect![[r#"
        [
            "rules",
            "macro.SSH",
            "action.Drop",
            "shorewall6.conf",
            "params",
            "rules.annotated",
            "snat",
        ]
    "#]]
    .assert_debug_eq(&kept);
}

#[test]
fn permissions_and_symlinks_are_kept() {
    let dir = TempDir::new();
    let real = dir.write("real-rules", "ACCEPT net $FW\n");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
    std::os::unix::fs::symlink(&real, dir.0.join("rules")).expect("symlink");
    check(
        &dir.0,
        &["$DIR/rules"],
        "",
        expect![[r#"
        exit 0
        --- stdout
        --- stderr
    "#]],
    );
    assert_eq!(dir.read("real-rules"), "ACCEPT  net     $FW\n");
    let link = fs::symlink_metadata(dir.0.join("rules")).expect("stat link");
    assert!(link.file_type().is_symlink());
    let mode = fs::metadata(&real).expect("stat").permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert_eq!(dir.names(), ["real-rules", "rules"]);
}

#[test]
fn a_failed_write_leaves_the_original() {
    let dir = TempDir::new();
    let rules = dir.write("rules", RULES);
    let res = replace_file_with(&rules, b"ACCEPT  net  $FW\n", |file, bytes| {
        use std::io::Write;
        file.write_all(bytes.get(..4).unwrap_or_default())?;
        Err(std::io::Error::other("disk full"))
    });
    assert_eq!(
        res.map_err(|it| it.to_string()),
        Err("disk full".to_owned())
    );
    assert_eq!(dir.read("rules"), RULES);
    assert_eq!(dir.names(), ["rules"]);
}

#[test]
fn a_failed_rename_leaves_the_original() {
    let dir = TempDir::new();
    let rules = dir.write("rules", RULES);
    // Renaming over a file in a directory we then remove fails after the data is written.
    let res = replace_file_with(&rules, b"x\n", |file, bytes| {
        use std::io::Write;
        file.write_all(bytes)?;
        fs::remove_file(&rules)?;
        fs::create_dir(&rules)?;
        fs::write(rules.join("keep"), "")
    });
    assert!(res.is_err());
    assert!(rules.is_dir());
    assert_eq!(dir.names(), ["rules"]);
}
