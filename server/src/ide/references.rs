//! Find references: every place the configuration directory names the zone, param,
//! interface, macro or action under the cursor, its definitions apart.
//!
//! The search covers the directory's files the model reads (an `INCLUDE`d file too) and the
//! documents open in it.

use std::path::{Path, PathBuf};

use crate::{
    ide::{
        cursor::LocalLine,
        db::{dir_of, Inputs},
        resolve::{self, Name, Occurrence},
        FilePosition, FileRange,
    },
    model::{Model, Origin},
};

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceSearch {
    /// The name under the cursor.
    pub name: FileRange,
    pub declarations: Vec<FileRange>,
    pub references: Vec<FileRange>,
}

pub(crate) fn references(db: &Inputs, position: &FilePosition) -> Option<ReferenceSearch> {
    let (model, name, range) = name_at(db, position)?;
    if matches!(name, Name::Builtin(_)) {
        return None;
    }
    let mut res = ReferenceSearch {
        name: FileRange {
            path: position.path.clone(),
            range,
        },
        declarations: Vec::new(),
        references: Vec::new(),
    };
    for (path, occurrences) in find_all(db, &model, &name) {
        for it in occurrences {
            let place = FileRange {
                path: path.clone(),
                range: it.range,
            };
            if it.is_definition {
                res.declarations.push(place);
            } else {
                res.references.push(place);
            }
        }
    }
    Some(res)
}

/// The name at a position, with the (current) model of its directory.
pub(crate) fn name_at(
    db: &Inputs,
    position: &FilePosition,
) -> Option<(std::sync::Arc<Model>, Name, shorewall_syntax::TextRange)> {
    let text = db.text(&position.path)?;
    let model = db.model(dir_of(&position.path));
    let line = LocalLine::at(&text, db.file_type(&position.path), position.offset);
    let (name, range) = resolve::name_at(&line, position.offset, &model)?;
    Some((model, name, range))
}

/// Every occurrence of `name` in the directory, by file (files in path order).
pub(crate) fn find_all(db: &Inputs, model: &Model, name: &Name) -> Vec<(PathBuf, Vec<Occurrence>)> {
    let mut res = Vec::new();
    for path in directory_files(db, model) {
        let Some(parse) = db.parse(&path) else {
            continue;
        };
        let kind = db.file_type(&path).kind;
        let found = resolve::occurrences(&parse, kind, name, model);
        if !found.is_empty() {
            res.push((path, found));
        }
    }
    res
}

/// The files a search covers: the directory's own files the model read, and its open
/// documents.
fn directory_files(db: &Inputs, model: &Model) -> Vec<PathBuf> {
    let mut res: Vec<PathBuf> = model
        .files
        .iter()
        .filter(|(_, file)| file.origin == Origin::Config)
        .map(|(_, file)| file.path.clone())
        .chain(
            db.documents
                .keys()
                .filter(|path| dir_of(path) == model.dir.as_path())
                .cloned(),
        )
        .collect();
    res.sort();
    res.dedup();
    res.retain(|it| is_shorewall_file(it));
    res
}

/// Editor backups and the like are not part of the configuration.
fn is_shorewall_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|it| it.to_str()).unwrap_or("");
    !(name.ends_with('~') || name.ends_with(".bak") || name.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let Some(search) = analysis.references(&fixture.position()) else {
            expect.assert_eq("none\n");
            return;
        };
        let mut res = String::new();
        for (label, places) in [("def", &search.declarations), ("ref", &search.references)] {
            for place in places {
                res.push_str(&format!(
                    "{label} {} {}\n",
                    fixture.relative(&place.path),
                    fixture.show_range(&place.path, place.range)
                ));
            }
        }
        expect.assert_eq(&res);
    }

    const DIR: &str = r#"
#- zones
fw firewall
net ipv6
loc:net ipv6
#- interfaces
?FORMAT 2
net eth0 dhcp
loc eth1
#- policy
net all DROP
loc net ACCEPT
#- params
ADMIN=2001:db8::1
ADMINS="$ADMIN,2001:db8::2"
#- shorewall6.conf
LOG_LEVEL=info
"#;

    #[test]
    fn zone_across_files() {
        check(
            &format!("{DIR}#- rules\nACCEPT n$0et $FW\nACCEPT all!net,loc net:eth0"),
            expect![[r#"
                def zones [net] ipv6
                ref interfaces [net] eth0 dhcp
                ref policy [net] all DROP
                ref policy loc [net] ACCEPT
                ref rules ACCEPT [net] $FW
                ref rules ACCEPT all![net],loc net:eth0
                ref rules ACCEPT all!net,loc [net]:eth0
                ref zones loc:[net] ipv6
            "#]],
        );
    }

    #[test]
    fn param_across_files() {
        check(
            &format!("{DIR}#- rules\nACCEPT net:$ADMIN $FW\nACCEPT net:${{AD$0MIN}} $FW"),
            expect![[r#"
                def params [ADMIN]=2001:db8::1
                ref params ADMINS="$[ADMIN],2001:db8::2"
                ref rules ACCEPT net:$[ADMIN] $FW
                ref rules ACCEPT net:${[ADMIN]} $FW
            "#]],
        );
    }

    #[test]
    fn interface() {
        check(
            &format!("{DIR}#- rules\nACCEPT net:eth$00 $FW"),
            expect![[r#"
                def interfaces net [eth0] dhcp
                ref rules ACCEPT net:[eth0] $FW
            "#]],
        );
    }

    #[test]
    fn builtins_have_no_references() {
        check(
            &format!("{DIR}#- rules\nACC$0EPT net $FW"),
            expect![[r#"
            none
        "#]],
        );
    }
}
