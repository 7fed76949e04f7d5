//! `shorewall-ls check [DIR] [--format json]`: every diagnostic of a configuration directory,
//! one a line as `PATH:LINE:COL: SEVERITY: MESSAGE [CODE]` (the form quickfix lists read),
//! sorted by file and position. Exit 1 if any error, 0 otherwise, 2 for usage errors or an
//! unreadable directory.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::{
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
    let model = build_model(&dir);
    let reported = report(&model, &std::env::current_dir().unwrap_or_default());
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
    let vfs = DiskVfs;
    let family = model::family_of(dir, &vfs);
    let env = Environment {
        vfs: &vfs,
        library_dirs: disk::library_dirs(family),
        names: Arc::new(disk::name_tables()),
        parse_cache: None,
    };
    model::build(dir, &env)
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
    res.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.code, &b.message))
    });
    res.dedup();
    res
}

fn reported(diagnostic: &Diagnostic, file: &model::SourceFile, cwd: &Path) -> Reported {
    let start = file.line_index.line_col(diagnostic.site.range.start());
    let end = file.line_index.line_col(diagnostic.site.range.end());
    // `./rules` is shown as `rules`: the path as the user would type it from `cwd`.
    let path: PathBuf = file
        .path
        .strip_prefix(cwd)
        .unwrap_or(&file.path)
        .components()
        .filter(|it| *it != std::path::Component::CurDir)
        .collect();
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
        path: path.display().to_string(),
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
