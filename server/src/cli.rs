//! The command line: `lsp`, `check`, `fmt`, `compile`, `syntax`.
//!
//! Exit codes: 0 success, 1 the input has errors (or would change, for `fmt --check`), 2 usage
//! errors and unreadable input.

pub mod check;
pub mod compile;
mod fmt;
mod syntax;

use std::io::Write;

/// What the process should exit with.
pub type ExitCode = i32;

pub const USAGE: &str = "\
usage: shorewall-ls <command> [args]

commands:
  lsp [--stdio]            run the language server on stdin/stdout
  check [DIR]              report every error in a configuration directory
  fmt [--check] [--upgrade] [PATH...]
                           format configuration files (fmt --help for more)
  compile [DIR] [--annotate]
                           print the ip6tables-restore input the directory compiles to
  syntax FILE              print the syntax tree of a file and its syntax errors
";

/// Runs the command line `args` (without the program name) and returns the exit code.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let Some(command) = args.first() else {
        let _ = write!(err, "{USAGE}");
        return 2;
    };
    let rest = &args[1..];
    match command.as_str() {
        "fmt" => fmt::run(rest, out, err),
        "syntax" => syntax::run(rest, out, err),
        "check" => check::run(rest, out, err),
        "compile" => compile::run(rest, out, err),
        "lsp" => lsp(rest, err),
        "-h" | "--help" | "help" => {
            let _ = write!(out, "{USAGE}");
            0
        }
        other => {
            let _ = writeln!(err, "shorewall-ls: unknown command '{other}'\n{USAGE}");
            2
        }
    }
}

/// `lsp [--stdio]`: the language server on stdin/stdout (stdio is the only transport, so the
/// flag editors pass is accepted and changes nothing).
fn lsp(args: &[String], err: &mut dyn Write) -> ExitCode {
    if let Some(other) = args.iter().find(|it| it.as_str() != "--stdio") {
        let _ = writeln!(
            err,
            "shorewall-ls lsp: unknown argument '{other}'\nusage: shorewall-ls lsp [--stdio]"
        );
        return 2;
    }
    crate::lsp::run_stdio()
}

/// The largest configuration file we read: Shorewall files are small, and anything bigger is a
/// mistake (a log file, a disk image) that must not hang the tool.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads a configuration file as text, refusing what is not a regular file, too large, or not
/// UTF-8, with a message that says why.
pub fn read_config_file(path: &std::path::Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|it| format!("{shown}: {it}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!(
            "{shown}: file too large ({} bytes; the limit is {MAX_FILE_SIZE})",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|it| format!("{shown}: {it}"))?;
    String::from_utf8(bytes).map_err(|it| {
        format!(
            "{shown}: not UTF-8 text (invalid byte at offset {})",
            it.utf8_error().valid_up_to()
        )
    })
}
