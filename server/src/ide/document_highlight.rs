//! Document highlight: the other places in the same file that name the zone, param,
//! interface, macro or action under the cursor; definitions are marked as such.

use shorewall_syntax::TextRange;

use crate::ide::{
    cursor::LocalLine,
    db::{dir_of, Inputs},
    resolve::{self, Name},
    FilePosition,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HighlightedRange {
    pub range: TextRange,
    /// Where the name is defined (written), rather than used (read).
    pub is_definition: bool,
}

pub(crate) fn document_highlight(db: &Inputs, position: &FilePosition) -> Vec<HighlightedRange> {
    let Some(text) = db.text(&position.path) else {
        return Vec::new();
    };
    let file_type = db.file_type(&position.path);
    let model = db.recent_model(dir_of(&position.path));
    let line = LocalLine::at(&text, file_type, position.offset);
    let Some((name, _)) = resolve::name_at(&line, position.offset, &model) else {
        return Vec::new();
    };
    if matches!(name, Name::Builtin(_)) {
        return Vec::new();
    }
    let Some(parse) = db.parse(&position.path) else {
        return Vec::new();
    };
    resolve::occurrences(&parse, file_type.kind, &name, &model)
        .into_iter()
        .map(|it| HighlightedRange {
            range: it.range,
            is_definition: it.is_definition,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let position = fixture.position();
        let mut res = String::new();
        for it in analysis.document_highlight(&position) {
            let kind = if it.is_definition { "def" } else { "ref" };
            res.push_str(&format!(
                "{kind} {}\n",
                fixture.show_range(&position.path, it.range)
            ));
        }
        expect.assert_eq(&res);
    }

    #[test]
    fn zones_in_the_zones_file() {
        check(
            "#- zones\nfw firewall\nn$0et ipv6\nloc:net ipv6\n",
            expect![[r#"
                def [net] ipv6
                ref loc:[net] ipv6
            "#]],
        );
    }

    #[test]
    fn params_and_macros_in_rules() {
        check(
            "#- params\nA=1\n#- rules\nACCEPT net:$A $FW\nDROP net:${A$0} $FW\n",
            expect![[r#"
                ref ACCEPT net:$[A] $FW
                ref DROP net:${[A]} $FW
            "#]],
        );
        check(
            "#- rules\nSSH(ACCEPT) net $FW\nSS$0H(DROP) loc $FW\n",
            expect![[r#"
                ref [SSH](ACCEPT) net $FW
                ref [SSH](DROP) loc $FW
            "#]],
        );
    }
}
