//! Formatting through the formatter (`shorewall_syntax::format`): the edits that align a
//! file's columns, or only the lines of a range (on the file-wide grid, so that formatting a
//! range agrees with formatting the file).

use std::path::Path;

use shorewall_syntax::{
    format::{format_edits, format_range, FormatOptions, TextEdit},
    TextRange,
};

use crate::ide::db::Inputs;

pub(crate) fn format(
    db: &Inputs,
    path: &Path,
    range: Option<TextRange>,
    options: &FormatOptions,
) -> Vec<TextEdit> {
    let Some(parse) = db.parse(path) else {
        return Vec::new();
    };
    match range {
        Some(range) => format_range(&parse, range, options),
        None => format_edits(&parse, options),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use shorewall_syntax::format::{apply_edits, FormatOptions};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, whole: bool, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let path = fixture.cursor_file();
        let range = (!whole).then(|| fixture.range().range);
        let edits = analysis.format(&path, range, &FormatOptions::default());
        expect.assert_eq(&apply_edits(&fixture.text(&path), &edits));
    }

    #[test]
    fn whole_file_and_range() {
        let fixture = "#- rules\nACCEPT net $FW tcp 22\nSSH(ACCEPT) loc $FW\nDROP\tnet all$0\n";
        check(
            fixture,
            true,
            expect![[r#"
                ACCEPT          net     $FW     tcp     22
                SSH(ACCEPT)     loc     $FW
                DROP            net     all
            "#]],
        );
        check(
            fixture,
            false,
            expect![[r#"
                ACCEPT net $FW tcp 22
                SSH(ACCEPT) loc $FW
                DROP            net     all
            "#]],
        );
    }
}
