//! Rename a zone or a param everywhere the directory names it: its definition, every rule,
//! policy, interface and host entry, every `$NAME` and `${NAME}` (in double-quoted strings too).

use shorewall_syntax::format::TextEdit;

use crate::ide::{
    db::Inputs,
    references::{find_all, name_at},
    resolve::Name,
    FilePosition, FileRange, SourceChange,
};

pub(crate) fn prepare_rename(db: &Inputs, position: &FilePosition) -> Result<FileRange, String> {
    let (model, name, range) =
        name_at(db, position).ok_or("there is no zone or param here to rename")?;
    match &name {
        Name::Zone(zone) if model.zone(zone).is_some() => {}
        Name::Param(param) if model.params.get(param).is_some() => {}
        Name::Zone(zone) => return Err(format!("zone {zone} is not defined in zones")),
        Name::Param(param) => return Err(format!("${param} is not set in params")),
        _ => return Err("only zones and params can be renamed".to_owned()),
    }
    Ok(FileRange {
        path: position.path.clone(),
        range,
    })
}

pub(crate) fn rename(
    db: &Inputs,
    position: &FilePosition,
    new_name: &str,
) -> Result<SourceChange, String> {
    prepare_rename(db, position)?;
    let (model, name, _) = name_at(db, position).ok_or("nothing to rename")?;
    match &name {
        Name::Zone(_) => {
            check_zone_name(new_name)?;
            if model.zone(new_name).is_some() {
                return Err(format!("zone {new_name} already exists"));
            }
        }
        Name::Param(_) => {
            check_param_name(new_name)?;
            if model.params.get(new_name).is_some() {
                return Err(format!("${new_name} already exists"));
            }
        }
        _ => return Err("only zones and params can be renamed".to_owned()),
    }
    let files = find_all(db, &model, &name)
        .into_iter()
        .map(|(path, occurrences)| {
            let edits = occurrences
                .into_iter()
                .map(|it| TextEdit::replace(it.range, new_name))
                .collect();
            (path, edits)
        })
        .collect();
    Ok(SourceChange { files })
}

/// Zone names as Shorewall accepts them (`Zones.pm process_zone`): a letter, then letters,
/// digits and `_`; not a word Shorewall reserves.
fn check_zone_name(name: &str) -> Result<(), String> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic())
        && name
            .chars()
            .all(|it| it.is_ascii_alphanumeric() || it == '_');
    if !valid {
        return Err(format!(
            "'{name}' is not a valid zone name: a letter, then letters, digits or '_'"
        ));
    }
    let reserved = matches!(name, "all" | "any" | "none" | "SOURCE" | "DEST")
        || name.starts_with("all2")
        || name.ends_with("2all");
    if reserved {
        return Err(format!("'{name}' is a name Shorewall reserves"));
    }
    Ok(())
}

/// Shell variable names.
fn check_param_name(name: &str) -> Result<(), String> {
    let valid = crate::model::is_variable_name(name);
    if valid {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid param name: a letter or '_', then letters, digits or '_'"
        ))
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};
    use shorewall_syntax::format::apply_edits;

    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, new_name: &str, expect: Expect) {
        let fixture = Fixture::parse(fixture);
        let analysis = fixture.analysis();
        let res = match analysis.rename(&fixture.position(), new_name) {
            Ok(change) => {
                let mut res = String::new();
                for (path, edits) in &change.files {
                    let text = fixture.text(path);
                    res.push_str(&format!(
                        "#- {}\n{}",
                        fixture.relative(path),
                        apply_edits(&text, edits)
                    ));
                }
                res
            }
            Err(error) => format!("error: {error}\n"),
        };
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
#- policy
net all DROP
#- params
ADMIN=2001:db8::1
ADMINS="$ADMIN,2001:db8::2"
"#;

    #[test]
    fn zone() {
        check(
            &format!("{DIR}#- rules\nACCEPT n$0et $FW\nACCEPT all!net net:eth0\n"),
            "wan",
            expect![[r#"
                #- interfaces
                ?FORMAT 2
                wan eth0 dhcp
                #- policy
                wan all DROP
                #- rules
                ACCEPT wan $FW
                ACCEPT all!wan wan:eth0
                #- zones
                fw firewall
                wan ipv6
                loc:wan ipv6
            "#]],
        );
    }

    #[test]
    fn param() {
        check(
            &format!("{DIR}#- rules\nACCEPT net:${{AD$0MIN}} $FW"),
            "ADMIN_V6",
            expect![[r##"
                #- params
                ADMIN_V6=2001:db8::1
                ADMINS="$ADMIN_V6,2001:db8::2"
                #- rules
                ACCEPT net:${ADMIN_V6} $FW"##]],
        );
    }

    #[test]
    fn refusals() {
        check(
            &format!("{DIR}#- rules\nACCEPT n$0et $FW"),
            "loc",
            expect![[r#"
                error: zone loc already exists
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nACCEPT n$0et $FW"),
            "2net",
            expect![[r#"
                error: '2net' is not a valid zone name: a letter, then letters, digits or '_'
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nACC$0EPT net $FW"),
            "x",
            expect![[r#"
                error: only zones and params can be renamed
            "#]],
        );
        check(
            &format!("{DIR}#- rules\nACCEPT nte$0 $FW"),
            "x",
            expect![[r#"
                error: zone nte is not defined in zones
            "#]],
        );
    }
}
