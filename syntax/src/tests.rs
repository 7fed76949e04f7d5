//! Data-driven parser tests: every file under `test_data/parser/{ok,err}/<kind>/` is parsed as a
//! file of that kind and its tree compared with the `.rast` snapshot beside it
//! (`UPDATE_EXPECT=1 cargo test` rewrites the snapshots). Files under `ok` must parse without
//! errors, files under `err` with at least one, and every tree must give back its input.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{parse, Family, FileKind, FileType};

fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data")
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut res = Vec::new();
    let Ok(kinds) = fs::read_dir(dir) else {
        return res;
    };
    for kind in kinds.flatten() {
        let Ok(files) = fs::read_dir(kind.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            if path.extension() != Some(std::ffi::OsStr::new("rast")) {
                res.push(path);
            }
        }
    }
    res.sort();
    res
}

/// The file type of a case: its directory names the kind; a name containing `ipv4` is IPv4.
fn file_type(path: &Path) -> FileType {
    let kind_dir = path
        .parent()
        .and_then(|it| it.file_name())
        .and_then(|it| it.to_str())
        .unwrap_or("");
    let kind = match kind_dir {
        "conf" => FileKind::Conf,
        "macro" => FileKind::Macro,
        "action" => FileKind::Action,
        other => FileKind::from_file_name(other),
    };
    let name = path.file_name().and_then(|it| it.to_str()).unwrap_or("");
    let family = if name.contains("ipv4") {
        Family::Ipv4
    } else {
        Family::Ipv6
    };
    FileType::new(kind, family)
}

fn run(dir: &str, expect_errors: bool) {
    let cases = cases(&test_data().join("parser").join(dir));
    assert!(
        !cases.is_empty(),
        "no test cases under test_data/parser/{dir}"
    );
    for path in cases {
        let text =
            fs::read_to_string(&path).unwrap_or_else(|it| panic!("{}: {it}", path.display()));
        let parse = parse(&text, file_type(&path));
        assert_eq!(
            parse.syntax().to_string(),
            text,
            "{}: not lossless",
            path.display()
        );
        let has_errors = !parse.errors().is_empty();
        assert_eq!(
            has_errors,
            expect_errors,
            "{}: errors: {:?}",
            path.display(),
            parse.errors()
        );
        let mut rast = path.clone().into_os_string();
        rast.push(".rast");
        expect_test::expect_file![PathBuf::from(rast)].assert_eq(&parse.debug_dump());
    }
}

#[test]
fn parser_ok() {
    run("ok", false);
}

#[test]
fn parser_err() {
    run("err", true);
}
