//! The syntax tree of a file, as `shorewall-ls syntax` prints it: for looking at how the
//! server reads a line.

use std::path::Path;

use crate::ide::db::Inputs;

pub(crate) fn syntax_tree(db: &Inputs, path: &Path) -> Option<String> {
    db.parse(path).map(|it| it.debug_dump())
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::ide::fixture::Fixture;

    #[test]
    fn tree_of_the_open_document() {
        let fixture = Fixture::parse("#- rules\nACCEPT net $FW\n");
        let tree = fixture.analysis().syntax_tree(&fixture.cursor_file());
        expect![[r#"
            SOURCE_FILE@0..15
              RECORD@0..14
                COLUMN@0..6
                  ACTION_SPEC@0..6
                    ACTION_NAME@0..6
                      WORD@0..6 "ACCEPT"
                WHITESPACE@6..7 " "
                COLUMN@7..10
                  HOST_SPEC@7..10
                    ZONE_REF@7..10
                      WORD@7..10 "net"
                WHITESPACE@10..11 " "
                COLUMN@11..14
                  HOST_SPEC@11..14
                    ZONE_REF@11..14
                      DOLLAR_REF@11..14 "$FW"
              NEWLINE@14..15 "\n"
        "#]]
        .assert_eq(&tree.unwrap_or_default());
    }
}
