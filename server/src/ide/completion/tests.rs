//! Completion tests: the items an editor would show for the word before `$0` (those whose label
//! starts with it, as editors filter), in the editor's order.

use expect_test::{expect, Expect};

use crate::ide::fixture::Fixture;

const ZONES: &str = r#"
#- zones
fw firewall
net ipv6
loc ipv6
#- interfaces
?FORMAT 2
net eth0 dhcp
loc eth1
#- params
ADMIN=2001:db8::1
NET_IF=eth0
"#;

#[track_caller]
fn check(fixture: &str, expect: Expect) {
    let fixture = Fixture::parse(fixture);
    let analysis = fixture.analysis();
    let position = fixture.position();
    let text = fixture.text(&position.path);
    let mut items = analysis.completion(&position);
    items.sort_by(|a, b| (&a.sort_text, &a.label).cmp(&(&b.sort_text, &b.label)));
    let mut res = String::new();
    for item in items {
        let typed = text
            .get(usize::from(item.range.start())..usize::from(item.range.end()))
            .unwrap_or("");
        if !item
            .label
            .to_ascii_lowercase()
            .starts_with(&typed.to_ascii_lowercase())
        {
            continue;
        }
        res.push_str(&format!("{} ({:?})", item.label, item.kind));
        if let Some(detail) = &item.detail {
            res.push_str(&format!(" {detail}"));
        }
        if let Some(insert) = &item.insert {
            res.push_str(&format!(" inserts {insert:?}"));
        }
        if item.retrigger {
            res.push_str(" +retrigger");
        }
        if item.documentation.is_some() {
            res.push_str(" +doc");
        }
        res.push('\n');
    }
    expect.assert_eq(&res);
}

fn with_zones(rules: &str) -> String {
    format!("{ZONES}#- rules\n{rules}")
}

#[test]
fn actions_macros_and_builtins() {
    check(
        &with_zones("A$0"),
        expect![[r#"
            ACCEPT (Builtin) +doc
            ACCEPT! (Builtin) +doc
            ACCEPT+ (Builtin) +doc
            ADD (Builtin) +doc
            AUDIT (Builtin) +doc
            A_ACCEPT (Builtin) +doc
            A_ACCEPT! (Builtin) +doc
            A_ACCEPT+ (Builtin) +doc
            A_DROP (Builtin) +doc
            A_DROP! (Builtin) +doc
            AllowICMPs (Action) Accept needed ICMP6 types
            AutoBL (Action) Auto-blacklist IPs that exceed thesholds
            AutoBLL (Action) Helper for AutoBL
            allowBcast (Action) Silently Allow Broadcast
            allowInvalid (Action) Accepts packets in the INVALID conntrack state
            allowMcast (Action) Silently Allow Multicast
            AMQP (Macro) macro inserts "AMQP(" +retrigger
            A_AllowICMPs (Macro) macro inserts "A_AllowICMPs(" +retrigger
            A_DropDNSrep (Macro) macro inserts "A_DropDNSrep(" +retrigger
            A_DropUPnP (Macro) macro inserts "A_DropUPnP(" +retrigger
            ActiveDir (Macro) macro inserts "ActiveDir(" +retrigger
            Amanda (Macro) macro inserts "Amanda(" +retrigger
            Apcupsd (Macro) macro inserts "Apcupsd(" +retrigger
            Auth (Macro) macro inserts "Auth(" +retrigger
        "#]],
    );
    check(
        &with_zones("SS$0"),
        expect![[r#"
            SSDP (Macro) macro inserts "SSDP(" +retrigger
            SSDPserver (Macro) macro inserts "SSDPserver(" +retrigger
            SSH (Macro) macro inserts "SSH(" +retrigger
        "#]],
    );
}

#[test]
fn targets_inside_macro_parentheses() {
    check(
        &with_zones("SSH(AC$0"),
        expect![[r#"
            ACCEPT (Builtin) +doc
            ACCEPT! (Builtin) +doc
            ACCEPT+ (Builtin) +doc
        "#]],
    );
    check(
        &with_zones("SSH(ACCEPT:in$0"),
        expect![[r#"
            info (LogLevel) +doc
        "#]],
    );
}

#[test]
fn log_levels_after_the_action() {
    check(
        &with_zones("ACCEPT:$0"),
        expect![[r#"
            debug (LogLevel) +doc
            7 (LogLevel) +doc
            info (LogLevel) +doc
            6 (LogLevel) +doc
            notice (LogLevel) +doc
            5 (LogLevel) +doc
            warning (LogLevel) +doc
            4 (LogLevel) +doc
            err (LogLevel) +doc
            3 (LogLevel) +doc
            crit (LogLevel) +doc
            2 (LogLevel) +doc
            alert (LogLevel) +doc
            1 (LogLevel) +doc
            emerg (LogLevel) +doc
            0 (LogLevel) +doc
            NFLOG (LogLevel) +doc
            ULOG (LogLevel) +doc
            none (LogLevel) +doc
        "#]],
    );
}

#[test]
fn zones_in_source_and_dest() {
    check(
        &with_zones("ACCEPT $0"),
        expect![[r#"
            fw (Zone) firewall
            loc (Zone) ipv6
            net (Zone) ipv6
            $FW (SpecialZone) the firewall zone
            all (SpecialZone) every zone
            all+ (SpecialZone) every zone, with intra-zone traffic
            all- (SpecialZone) every zone but the firewall
            any (SpecialZone) every zone, including nested ones
            any+ (SpecialZone) every zone, nested ones and intra-zone traffic included
            any- (SpecialZone) every zone but the firewall, nested ones included
            none (SpecialZone) no zone: the rule is ignored
        "#]],
    );
    check(
        &with_zones("ACCEPT\tnet\ta$0"),
        expect![[r#"
            all (SpecialZone) every zone
            all+ (SpecialZone) every zone, with intra-zone traffic
            all- (SpecialZone) every zone but the firewall
            any (SpecialZone) every zone, including nested ones
            any+ (SpecialZone) every zone, nested ones and intra-zone traffic included
            any- (SpecialZone) every zone but the firewall, nested ones included
        "#]],
    );
}

#[test]
fn interfaces_after_the_zone() {
    check(
        &with_zones("ACCEPT net:$0"),
        expect![[r#"
            eth0 (Interface) interface of zone net
            eth1 (Interface) interface of zone loc
        "#]],
    );
    check(&with_zones("ACCEPT net:2001:db8::$0"), expect![[""]]);
}

#[test]
fn protocols_and_services() {
    check(
        &with_zones("ACCEPT net $FW ipv6$0"),
        expect![[r#"
            ipv6-icmp (Protocol)
            ipv6 (Protocol) protocol 41
            ipv6-frag (Protocol) protocol 44
            ipv6-nonxt (Protocol) protocol 59
            ipv6-opts (Protocol) protocol 60
            ipv6-route (Protocol) protocol 43
        "#]],
    );
    check(
        &with_zones("ACCEPT net $FW udp domai$0"),
        expect![[r#"
            domain (Service) 53/udp
            domain-s (Service) 853/udp
        "#]],
    );
    check(
        &with_zones("ACCEPT net $FW tcp 22,ss$0"),
        expect![[r#"
            ssh (Service) 22/tcp
            ssmtp (Service) 465/tcp
        "#]],
    );
}

#[test]
fn params_after_a_dollar() {
    check(
        &with_zones("ACCEPT net:$$0"),
        expect![[r#"
            $ADMIN (Param) 2001:db8::1
            $NET_IF (Param) eth0
            $FW (Param) the firewall zone (fw)
        "#]],
    );
    check(
        &with_zones("ACCEPT net:${N$0"),
        expect![[r#"
            ${NET_IF} (Param) eth0
        "#]],
    );
}

#[test]
fn sections_still_allowed() {
    check(
        &with_zones("?SECTION ALL\n?SECTION RELATED\n?SECTION $0"),
        expect![[r#"
            INVALID (Section) +doc
            NEW (Section) +doc
            UNTRACKED (Section) +doc
        "#]],
    );
    check(
        &with_zones("?SEC$0"),
        expect![[r#"
            ?SECTION (Directive)
        "#]],
    );
}

#[test]
fn policy_columns() {
    check(
        &format!("{ZONES}#- policy\nnet $0"),
        expect![[r#"
            fw (Zone) firewall
            loc (Zone) ipv6
            net (Zone) ipv6
            $FW (SpecialZone) the firewall zone
            all (SpecialZone) every zone
            any (SpecialZone) every zone, including nested ones
        "#]],
    );
    check(
        &format!("{ZONES}#- policy\nnet all D$0"),
        expect![[r#"
            DROP (Keyword) +doc
        "#]],
    );
    check(
        &format!("{ZONES}#- policy\nnet all DROP:Bro$0"),
        expect![[r#"
            Broadcast (Action)
        "#]],
    );
    check(
        &format!("{ZONES}#- policy\nnet all DROP in$0"),
        expect![[r#"
            info (LogLevel) +doc
        "#]],
    );
}

#[test]
fn zones_interfaces_hosts_columns() {
    check(
        "#- zones\nfw firewall\ndmz ip$0",
        expect![[r#"
            ip (Keyword) +doc
            ipsec (Keyword) +doc
            ipsec4 (Keyword) +doc
            ipsec6 (Keyword) +doc
            ipv4 (Keyword) +doc
            ipv6 (Keyword) +doc
        "#]],
    );
    check(
        &format!("{ZONES}#- interfaces.new\n?FORMAT 2\nnet eth0 dhcp,rout$0"),
        expect![[r#"
            routeback (Keyword) +doc
            routefilter (Keyword) +doc
        "#]],
    );
    check(
        &format!("{ZONES}#- hosts\nloc e$0"),
        expect![[r#"
            eth0 (Interface) interface of zone net
            eth1 (Interface) interface of zone loc
        "#]],
    );
}

#[test]
fn settings_and_values() {
    check(
        "#- shorewall6.conf\nFASTAC$0",
        expect![[r#"
            FASTACCEPT (Setting) inserts "FASTACCEPT=" +doc
        "#]],
    );
    check(
        "#- shorewall6.conf\nFASTACCEPT=$0",
        expect![[r#"
            No (Value)
            Yes (Value)
        "#]],
    );
}

#[test]
fn nothing_in_comments_and_tails() {
    check(&with_zones("ACCEPT net # a$0"), expect![[""]]);
    check(&with_zones("ACCEPT net $FW ; proto=t$0"), expect![[""]]);
}
