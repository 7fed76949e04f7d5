//! Go to definition: a zone to its `zones` record, a `$PARAM` to its `params` assignment, an
//! interface to its `interfaces` record, a macro to its `macro.NAME` file, an action to its
//! `action.NAME` file (and its declaration in `actions`).
//!
//! Targets in the built-in copy of Shorewall's library are left out: they are no file an
//! editor can open.

use std::path::PathBuf;

use shorewall_syntax::{TextRange, TextSize};

use crate::{
    ide::{
        cursor::LocalLine,
        db::{dir_of, Inputs},
        library,
        resolve::{self, Name},
        FilePosition,
    },
    model::{is_builtin_path, Model, Site},
};

/// A place to go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavigationTarget {
    pub path: PathBuf,
    /// The whole definition (a zones record).
    pub full_range: TextRange,
    /// The name in it.
    pub focus_range: TextRange,
}

pub(crate) fn goto_definition(db: &Inputs, position: &FilePosition) -> Vec<NavigationTarget> {
    let Some(text) = db.text(&position.path) else {
        return Vec::new();
    };
    let model = db.model(dir_of(&position.path));
    let line = LocalLine::at(&text, db.file_type(&position.path), position.offset);
    let Some((name, _)) = resolve::name_at(&line, position.offset, &model) else {
        return Vec::new();
    };
    let mut res = definitions(db, &model, &name);
    res.retain(|it| !is_builtin_path(&it.path));
    res
}

/// Where `name` is defined in the directory of `model`.
pub(crate) fn definitions(db: &Inputs, model: &Model, name: &Name) -> Vec<NavigationTarget> {
    let target = |site: Site, focus: Site| -> Option<NavigationTarget> {
        let file = model.file(site.file)?;
        Some(NavigationTarget {
            path: file.path.clone(),
            full_range: site.range,
            focus_range: focus.range,
        })
    };
    let whole_file = |path: PathBuf| NavigationTarget {
        path,
        full_range: TextRange::empty(TextSize::from(0)),
        focus_range: TextRange::empty(TextSize::from(0)),
    };
    match name {
        Name::Zone(zone) => model
            .zone(zone)
            .and_then(|it| target(it.site, it.name_site))
            .into_iter()
            .collect(),
        Name::Param(param) => match model.params.get(param) {
            Some(it) => target(it.site, it.site).into_iter().collect(),
            None if param == "FW" => model
                .zones
                .iter()
                .find(|it| Some(it.name.as_str()) == model.firewall_zone.as_deref())
                .and_then(|it| target(it.site, it.name_site))
                .into_iter()
                .collect(),
            None => Vec::new(),
        },
        Name::Interface(interface) => model
            .interface(interface)
            .and_then(|it| target(it.site, it.name_site))
            .into_iter()
            .collect(),
        Name::Macro(name) => library::macro_file(db, model, name)
            .map(|(path, _)| whole_file(path))
            .into_iter()
            .collect(),
        Name::Action(name) => {
            let Some(action) = model.catalog.action(name) else {
                return Vec::new();
            };
            let body = action
                .file
                .and_then(|it| model.file(it))
                .map(|it| whole_file(it.path.clone()));
            body.into_iter()
                .chain(target(action.declared, action.declared))
                .collect()
        }
        Name::Builtin(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let mut res = String::new();
        for target in analysis.goto_definition(&fixture.position()) {
            res.push_str(&format!(
                "{} {:?}: {}\n",
                fixture.relative(&target.path),
                target.focus_range,
                fixture.show_range(&target.path, target.focus_range)
            ));
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
#- params
ADMIN=2001:db8::1
#- actions
Mine inline # mine
#- action.Mine
ACCEPT - - tcp 1
#- macro.Local
PARAM - - tcp 8080
"#;

    #[test]
    fn zones_params_interfaces() {
        check(
            &format!("{DIR}#- rules\nACCEPT n$0et $FW"),
            expect![[r#"
                zones 12..15: [net] ipv6
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nACCEPT net:$ADM$0IN $FW"),
            expect![[r#"
                params 0..17: [ADMIN=2001:db8::1]
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nACCEPT net:eth$00 $FW"),
            expect![[r#"
                interfaces 14..18: net [eth0] dhcp
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nACCEPT net $F$0W"),
            expect![[r#"
            zones 0..2: [fw] firewall
        "#]],
        );
        check(
            &format!("{DIR}#- policy\nl$0oc net DROP"),
            expect![[r#"
            zones 21..24: [loc]:net ipv6
        "#]],
        );
    }

    #[test]
    fn macros_and_actions() {
        check(
            &format!("{DIR}#- rules\nLo$0cal(ACCEPT) net $FW"),
            expect![[r#"
                macro.Local 0..0: []PARAM - - tcp 8080
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nMi$0ne net $FW"),
            expect![[r#"
            action.Mine 0..0: []ACCEPT - - tcp 1
            actions 0..11: [Mine inline] # mine
        "#]],
        );
        // A macro of the built-in library: no file to open.
        check(
            &format!("{DIR}#- rules\nSS$0H(ACCEPT) net $FW"),
            expect![[""]],
        );
    }
}
