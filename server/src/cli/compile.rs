//! `shorewall-ls compile [DIR] [--annotate]`: the ip6tables-restore input Shorewall 5.2.8
//! generates for a configuration directory. Errors are reported as `check` reports them
//! (`PATH:LINE:COL: error: MESSAGE [CODE]`, exit 1, no ruleset); the compiler's warnings go
//! to stderr in the same form.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::{
    compile::{beside, emit, lower},
    disk::{self, DiskVfs},
    model::{self, Environment, Severity, Site},
};

use super::{check, ExitCode};

const USAGE: &str = "usage: shorewall-ls compile [DIR] [--annotate]";

pub(super) fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut dir = None;
    let mut annotate = false;
    for arg in args {
        match arg.as_str() {
            "--annotate" => annotate = true,
            other if other.starts_with('-') => {
                let _ = writeln!(
                    err,
                    "shorewall-ls compile: unknown option '{other}'\n{USAGE}"
                );
                return 2;
            }
            other => {
                if dir.is_some() {
                    let _ = writeln!(err, "shorewall-ls compile: only one directory may be given");
                    return 2;
                }
                dir = Some(PathBuf::from(other));
            }
        }
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        let _ = writeln!(
            err,
            "shorewall-ls compile: {} is not a directory",
            dir.display()
        );
        return 2;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    match compile_in(&dir, annotate, &cwd, Release::AtExit) {
        Ok(output) => {
            for warning in &output.warnings {
                let _ = writeln!(err, "{warning}");
            }
            if out.write_all(output.text.as_bytes()).is_err() {
                return 2;
            }
            0
        }
        Err(errors) => {
            for error in &errors {
                let _ = writeln!(out, "{error}");
            }
            1
        }
    }
}

/// A successful compilation as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileOutput {
    /// The ip6tables-restore input.
    pub text: String,
    /// Warnings, as `PATH:LINE:COL: warning: MESSAGE [CODE]` lines.
    pub warnings: Vec<String>,
}

/// Compiles the directory `dir` on disk. Errors come back as `check`'s lines, with paths
/// relative to `cwd`.
pub fn compile_directory(
    dir: &Path,
    annotate: bool,
    cwd: &Path,
) -> Result<CompileOutput, Vec<String>> {
    compile_in(dir, annotate, cwd, Release::Now)
}

/// When the model and the ruleset are freed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Release {
    Now,
    /// The process ends right after printing: freeing the trees one by one would only add
    /// to its run time (a few milliseconds for 5,000 rules), so they are left to the exit.
    AtExit,
}

fn compile_in(
    dir: &Path,
    annotate: bool,
    cwd: &Path,
    release: Release,
) -> Result<CompileOutput, Vec<String>> {
    let vfs = DiskVfs;
    let family = model::family_of(dir, &vfs);
    let names = Arc::new(disk::name_tables());
    let (model, compiled) = if beside::processor_free() {
        beside::build_and_compile(dir, &vfs, disk::library_dirs(family), names)
    } else {
        let env = Environment {
            vfs: &vfs,
            library_dirs: disk::library_dirs(family),
            names,
            parse_cache: None,
        };
        (model::build(dir, &env), None)
    };
    let reported = check::report(&model, cwd);
    let errors: Vec<String> = reported
        .iter()
        .filter(|it| it.severity == Severity::Error)
        .map(|it| {
            format!(
                "{}:{}:{}: error: {} [{}]",
                it.path, it.line, it.column, it.message, it.code
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    // Not compiled beside the model when no processor was free, or when the model had errors
    // that `check` does not report.
    let compiled = compiled.unwrap_or_else(|| {
        let env = Environment {
            vfs: &vfs,
            library_dirs: disk::library_dirs(family),
            names: model.names.clone(),
            parse_cache: None,
        };
        lower::compile(&model, &env)
    });
    match compiled {
        Ok(compiled) => {
            let warnings = compiled
                .warnings
                .iter()
                .map(|it| {
                    let at = match (&it.place, it.site) {
                        (Some((path, line)), None) => {
                            let path = path.strip_prefix(cwd).unwrap_or(path);
                            format!("{}:{line}:1", path.display())
                        }
                        _ => place(&model, it.site, cwd),
                    };
                    format!("{at}: warning: {} [compile-warning]", it.message)
                })
                .collect();
            let text = emit::emit(&compiled.ruleset, emit::EmitOptions { annotate });
            if release == Release::AtExit {
                std::mem::forget(compiled);
                std::mem::forget(model);
            }
            Ok(CompileOutput { text, warnings })
        }
        Err(failure) => {
            let at = match &failure.place {
                Some((path, line)) => {
                    let path = path.strip_prefix(cwd).unwrap_or(path);
                    format!("{}:{line}:1", path.display())
                }
                None => place(&model, failure.site, cwd),
            };
            Err(vec![format!(
                "{at}: error: {} [compile-error]",
                failure.message
            )])
        }
    }
}

/// `PATH:LINE:COL` of a site, or the directory when there is none.
fn place(model: &model::Model, site: Option<Site>, cwd: &Path) -> String {
    let Some(site) = site else {
        let dir = model.dir.strip_prefix(cwd).unwrap_or(&model.dir);
        return dir.display().to_string();
    };
    match model.file(site.file) {
        Some(file) => {
            let pos = file.line_index.line_col(site.range.start());
            let path = file.path.strip_prefix(cwd).unwrap_or(&file.path);
            format!("{}:{}:{}", path.display(), pos.line + 1, pos.col + 1)
        }
        None => model.dir.display().to_string(),
    }
}
