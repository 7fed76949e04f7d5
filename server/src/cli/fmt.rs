//! `shorewall-ls fmt [--check] [--upgrade] [OPTIONS] [PATH...]`: formats Shorewall
//! configuration files in place, or shows what would change.
//!
//! A PATH is a file or a configuration directory (its files, not its subdirectories, as
//! Shorewall reads it); the default is `.`. Only files Shorewall reads are touched, known by
//! their names; backups, READMEs and anything unknown are skipped. `-` formats standard input
//! to standard output. Files are replaced atomically, keeping their permissions.
//!
//! Exit codes: 0 nothing to do or all done; 1 with `--check` when something would change;
//! 2 on a usage error or a file that cannot be read or written (the others are still done).

mod replace;

use std::{
    collections::HashMap,
    io::{Read, Write},
    path::{Path, PathBuf},
};

use shorewall_syntax::{
    format::{format_text, FormatOptions},
    Family, FileKind, FileType,
};

use crate::format_config::{self, FormatSettings};

use super::ExitCode;

use self::replace::replace_file;

const USAGE: &str = "\
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
";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Args {
    check: bool,
    upgrade: bool,
    settings: FormatSettings,
    stdin_filename: Option<String>,
    paths: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut res = Args::default();
    let mut iter = args.iter();
    let mut only_paths = false;
    while let Some(arg) = iter.next() {
        if only_paths || arg == "-" || !arg.starts_with('-') {
            res.paths.push(arg.clone());
            continue;
        }
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--" => only_paths = true,
            "--check" => res.check = true,
            "--upgrade" => res.upgrade = true,
            "--align" => res.settings.align = Some(true),
            "--no-align" => res.settings.align = Some(false),
            "--tabs" => res.settings.use_tabs = Some(true),
            "--spaces" => res.settings.use_tabs = Some(false),
            "--tab-width" => {
                let max = format_config::MAX_TAB_WIDTH;
                res.settings.tab_width = Some(number("--tab-width", &value("--tab-width")?, max)?);
            }
            "--max-column-width" => {
                let max = format_config::MAX_COLUMN_WIDTH;
                let text = value("--max-column-width")?;
                res.settings.max_column_width = Some(number("--max-column-width", &text, max)?);
            }
            "--stdin-filename" => res.stdin_filename = Some(value("--stdin-filename")?),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if res.paths.is_empty() {
        res.paths.push(".".to_owned());
    }
    Ok(res)
}

fn number(name: &str, text: &str, max: u32) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|it| (1..=max).contains(it))
        .ok_or_else(|| format!("{name} must be a whole number from 1 to {max}, not '{text}'"))
}

pub(super) fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    run_with_stdin(args, &mut std::io::stdin().lock(), out, err)
}

/// The `fmt` command with its standard input given (tests give their own).
pub(crate) fn run_with_stdin(
    args: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    if args.iter().any(|it| it == "-h" || it == "--help") {
        let _ = write!(out, "{USAGE}");
        return 0;
    }
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => {
            let _ = writeln!(err, "shorewall-ls fmt: {message}\n{USAGE}");
            return 2;
        }
    };
    let mut run = Run {
        args: &args,
        out,
        err,
        failed: false,
        would_change: false,
        settings: HashMap::new(),
    };
    for path in &args.paths {
        if path == "-" {
            run.stdin(stdin);
        } else {
            run.path(Path::new(path));
        }
    }
    if run.failed {
        2
    } else {
        i32::from(run.would_change)
    }
}

/// One run of the command: where output goes and how it went.
struct Run<'a> {
    args: &'a Args,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    /// A file could not be read or written, or a configuration file is wrong.
    failed: bool,
    /// With `--check`: some file is not formatted.
    would_change: bool,
    /// The configuration files' settings, by directory.
    settings: HashMap<PathBuf, Result<FormatSettings, String>>,
}

impl Run<'_> {
    fn fail(&mut self, message: &str) {
        let _ = writeln!(self.err, "shorewall-ls fmt: {message}");
        self.failed = true;
    }

    fn path(&mut self, path: &Path) {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(it) => return self.fail(&format!("{}: {it}", path.display())),
        };
        if !meta.is_dir() {
            if is_config_file(path) {
                self.file(path);
            } else {
                let _ = writeln!(
                    self.err,
                    "shorewall-ls fmt: skipping {}: not a Shorewall configuration file",
                    path.display()
                );
            }
            return;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(it) => return self.fail(&format!("{}: {it}", path.display())),
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|it| it.path())
            .filter(|it| it.is_file() && is_config_file(it))
            .collect();
        files.sort();
        for file in files {
            self.file(&file);
        }
    }

    /// The options for a file in `dir`: its configuration file's, then the command line's.
    fn options(&mut self, dir: &Path) -> Result<FormatOptions, String> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let loaded = self
            .settings
            .entry(dir.to_path_buf())
            .or_insert_with(|| format_config::load_settings(dir).map(|(settings, _)| settings))
            .clone()?;
        let mut options = loaded.overridden_by(self.args.settings).to_options();
        options.upgrade = self.args.upgrade;
        Ok(options)
    }

    fn file(&mut self, path: &Path) {
        let text = match super::read_config_file(path) {
            Ok(text) => text,
            Err(message) => return self.fail(&message),
        };
        let options = match self.options(path.parent().unwrap_or(Path::new("."))) {
            Ok(options) => options,
            Err(message) => return self.fail(&message),
        };
        let formatted = format_text(&text, file_type(path), &options);
        if formatted == text {
            return;
        }
        if self.args.check {
            self.would_change = true;
            let name = path.display().to_string();
            let _ = write!(self.out, "{}", unified_diff(&text, &formatted, &name));
            return;
        }
        if let Err(it) = replace_file(path, formatted.as_bytes()) {
            self.fail(&format!("{}: cannot write: {it}", path.display()));
        }
    }

    fn stdin(&mut self, stdin: &mut dyn Read) {
        let mut bytes = Vec::new();
        let limit = super::MAX_FILE_SIZE;
        if let Err(it) = stdin.take(limit + 1).read_to_end(&mut bytes) {
            return self.fail(&format!("standard input: {it}"));
        }
        if bytes.len() as u64 > limit {
            return self.fail(&format!("standard input: more than {limit} bytes"));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(it) => {
                let offset = it.utf8_error().valid_up_to();
                return self.fail(&format!(
                    "standard input: not UTF-8 text (invalid byte at offset {offset})"
                ));
            }
        };
        let name = PathBuf::from(self.args.stdin_filename.as_deref().unwrap_or("rules"));
        let options = match self.options(name.parent().unwrap_or(Path::new("."))) {
            Ok(options) => options,
            Err(message) => return self.fail(&message),
        };
        let formatted = format_text(&text, file_type(&name), &options);
        if self.args.check {
            if formatted != text {
                self.would_change = true;
                let _ = write!(self.out, "{}", unified_diff(&text, &formatted, "<stdin>"));
            }
        } else {
            let _ = write!(self.out, "{formatted}");
        }
    }
}

/// The type of the file at `path`: its kind from its name; its family from its directory, which
/// is IPv4 if it holds `shorewall.conf` but no `shorewall6.conf`, IPv6 the other way round,
/// and otherwise as its name says (`.../shorewall/` is IPv4).
fn file_type(path: &Path) -> FileType {
    let mut res = FileType::from_path(path);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let ipv4 = dir.join(Family::Ipv4.conf_file_name()).is_file();
    let ipv6 = dir.join(Family::Ipv6.conf_file_name()).is_file();
    if ipv4 != ipv6 {
        res.family = if ipv4 { Family::Ipv4 } else { Family::Ipv6 };
    }
    res
}

/// Whether `path` names a file Shorewall reads, judged by its name: a known kind of file, and
/// not a backup, an editor's or a package manager's leftover, or a hidden file.
pub(crate) fn is_config_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|it| it.to_str()) else {
        return false;
    };
    const LEFTOVERS: &[&str] = &[
        "~",
        ".bak",
        ".orig",
        ".old",
        ".save",
        ".swp",
        ".tmp",
        ".rej",
        ".dpkg-dist",
        ".dpkg-old",
        ".dpkg-new",
        ".dpkg-bak",
        ".ucf-dist",
        ".ucf-old",
        ".ucf-new",
        ".rpmnew",
        ".rpmsave",
    ];
    if name.starts_with('.')
        || name.starts_with('#')
        || LEFTOVERS.iter().any(|it| name.ends_with(it))
    {
        return false;
    }
    !matches!(
        FileKind::from_file_name(name),
        FileKind::Other | FileKind::KeyValue
    )
}

/// How long the diff may search for the smallest set of changes. Myers' algorithm is quadratic
/// when most lines change (a large file formatted for the first time); past the deadline the
/// diff is still correct, only coarser.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

/// A unified diff from `old` to `new`, both shown under `name`.
fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

#[cfg(test)]
mod tests;
