//! `shorewall-ls syntax FILE`: the tree in rowan's debug format, then the syntax errors as
//! `LINE:COL: message`. Exit 0 without errors, 1 with some, 2 if the file cannot be read.

use std::{io::Write, path::Path};

use shorewall_syntax::{parse, FileType, LineIndex};

use super::ExitCode;

pub(super) fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let [path] = args else {
        let _ = writeln!(err, "usage: shorewall-ls syntax FILE");
        return 2;
    };
    let path = Path::new(path);
    let text = match super::read_config_file(path) {
        Ok(text) => text,
        Err(message) => {
            let _ = writeln!(err, "shorewall-ls: {message}");
            return 2;
        }
    };
    let parse = parse(&text, FileType::from_path(path));
    let _ = write!(out, "{:#?}", parse.syntax());
    let index = LineIndex::new(&text);
    for error in parse.errors() {
        let pos = index.line_col(error.range.start());
        let _ = writeln!(out, "{}:{}: {}", pos.line + 1, pos.col + 1, error.message);
    }
    i32::from(!parse.errors().is_empty())
}
