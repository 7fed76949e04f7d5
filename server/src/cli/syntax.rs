//! `shorewall-ls syntax FILE`: the tree in rowan's debug format, then the syntax errors as
//! `LINE:COL: message` (1-based, the column in characters). Exit 0 without errors, 1 with some,
//! 2 if the file cannot be read or is not UTF-8 text. The kind of file comes from its name and
//! the family from its directory (`shorewall/` is IPv4).

use std::{io::Write, path::Path};

use shorewall_syntax::{parse, FileType};

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
    let _ = write!(out, "{}", parse.debug_dump());
    i32::from(!parse.errors().is_empty())
}
