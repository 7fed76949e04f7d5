//! The typed accessors on small parsed examples.

use expect_test::expect;

use crate::{ast::*, parse, Family, FileKind, FileType, SyntaxNode};

fn tree(text: &str, kind: FileKind) -> SourceFile {
    let parse = parse(text, FileType::new(kind, Family::Ipv6));
    assert!(parse.errors().is_empty(), "{:?}", parse.errors());
    parse.tree()
}

fn first<N: AstNode>(root: &SyntaxNode) -> N {
    root.descendants().find_map(N::cast).unwrap()
}

fn rules_record(text: &str) -> RulesRecord {
    RulesRecord::new(tree(text, FileKind::Rules).records().next().unwrap())
}

#[test]
fn rules_columns_by_name_with_pairs_winning() {
    let rule = rules_record("ACCEPT net $FW tcp 22 { dport=2222, rate=3/min }\n");
    let texts: Vec<Option<String>> = [
        rule.action(),
        rule.dest(),
        rule.dport(),
        rule.rate(),
        rule.user(),
    ]
    .iter()
    .map(|it| it.as_ref().map(|c| c.text()))
    .collect();
    expect![[r#"
        [
            Some(
                "ACCEPT",
            ),
            Some(
                "$FW",
            ),
            Some(
                "2222",
            ),
            Some(
                "3/min",
            ),
            None,
        ]
    "#]]
    .assert_debug_eq(&texts);
}

#[test]
fn host_parts() {
    // A list that does not end in `]` keeps `eth0:` in its first address, as Shorewall does
    // (which then rejects that address); `eth0:[a],[b]` splits the interface off.
    let split = rules_record("ACCEPT net:eth0:[2001:db8::1],[2001:db8::2] $FW\n");
    let split = split.source().and_then(|it| it.host_spec()).unwrap();
    assert_eq!(
        split.interface().map(|it| it.text()).as_deref(),
        Some("eth0")
    );
    assert_eq!(split.addresses().map(|it| it.items().count()), Some(2));
    let rule =
        rules_record("ACCEPT net:eth0:[2001:db8::1]-[2001:db8::9],+set[src],&eth1 all+!dmz\n");
    let source = rule.source().and_then(|it| it.host_spec()).unwrap();
    let addresses = source.addresses().unwrap();
    let range = addresses.ranges().next().unwrap();
    let ipset: Ipset = first(addresses.syntax());
    let amp = addresses
        .items()
        .find_map(|it| match it {
            AddressItem::Address(a) => a.interface(),
            _ => None,
        })
        .unwrap();
    let dest = rule.dest().and_then(|it| it.host_spec()).unwrap();
    let list = dest.zone_list().unwrap();
    let facts = (
        source.zone().map(|it| it.text()),
        source.interface().map(|it| it.text()),
        range.low().map(|it| it.text()),
        range.high().map(|it| it.text()),
        range.low().and_then(|it| it.range()).is_some(),
        ipset.names().map(|it| it.text()).collect::<Vec<_>>(),
        ipset.flags().map(|it| it.text()),
        amp.text(),
        list.zones()
            .map(|it| (it.text(), it.is_wildcard(), it.wildcard_suffix()))
            .collect::<Vec<_>>(),
        list.exclusion()
            .map(|it| it.zones().map(|z| z.text()).collect::<Vec<_>>()),
    );
    expect![[r#"
        (
            Some(
                "net",
            ),
            None,
            Some(
                "eth0:[2001:db8::1]",
            ),
            Some(
                "[2001:db8::9]",
            ),
            true,
            [
                "set",
            ],
            Some(
                "[src]",
            ),
            "eth1",
            [
                (
                    "all+",
                    true,
                    "+",
                ),
            ],
            Some(
                [
                    "dmz",
                ],
            ),
        )
    "#]]
    .assert_debug_eq(&facts);
}

#[test]
fn several_host_specs_and_intrazone_lists() {
    let rule = rules_record("ACCEPT loc:(eth1),dmz:(eth2:[2001:db8::1]),net net,loc+\n");
    let specs: Vec<String> = rule
        .source()
        .map(|it| it.host_specs().map(|s| s.text()).collect())
        .unwrap_or_default();
    let dest = rule
        .dest()
        .and_then(|it| it.host_spec())
        .and_then(|it| it.zone_list())
        .unwrap();
    assert_eq!(specs, ["loc:(eth1)", "dmz:(eth2:[2001:db8::1])", "net"]);
    assert!(dest.includes_intrazone());
    assert_eq!(
        dest.zones().map(|it| it.text()).collect::<Vec<_>>(),
        ["net", "loc"]
    );
}

#[test]
fn match_columns() {
    let rule = rules_record(
        "ACCEPT $FW net tcp:!syn 1024:65535 - - s:ssh:3/min:5 !joe:kids !0x10/0xff:C d:!5:24 \
         timestart=08:00&utc !exactly:frag,ah !sw=1 ftp\n",
    );
    let proto: Proto = first(rule.proto().unwrap().syntax());
    let range: PortRange = first(rule.dport().unwrap().syntax());
    let rate: Rate = first(rule.rate().unwrap().syntax());
    let user: UserSpec = first(rule.user().unwrap().syntax());
    let mark = rule.mark().and_then(|it| it.mark_spec()).unwrap();
    let connlimit = rule.connlimit().and_then(|it| it.connlimit_spec()).unwrap();
    let time = rule.time().and_then(|it| it.time_spec()).unwrap();
    let headers = rule.headers().and_then(|it| it.header_list()).unwrap();
    let switch = rule.switch().and_then(|it| it.switch_spec()).unwrap();
    let text = |it: Option<SyntaxNode>| it.map(|n| n.text().to_string());
    let facts = (
        (proto.name(), proto.option(), range.bounds()),
        (
            text(rate.mode().map(|it| it.syntax().clone())),
            text(rate.name().map(|it| it.syntax().clone())),
            text(rate.value().map(|it| it.syntax().clone())),
            text(rate.burst().map(|it| it.syntax().clone())),
        ),
        (
            user.is_negated(),
            text(user.user().map(|it| it.syntax().clone())),
            text(user.group().map(|it| it.syntax().clone())),
        ),
        (
            mark.is_negated(),
            text(mark.value().map(|it| it.syntax().clone())),
            text(mark.mask().map(|it| it.syntax().clone())),
            mark.designator(),
        ),
        (
            connlimit.is_per_destination(),
            connlimit.is_negated(),
            text(connlimit.count().map(|it| it.syntax().clone())),
            text(connlimit.mask().map(|it| it.syntax().clone())),
        ),
        time.elements()
            .map(|it| (it.name(), it.value()))
            .collect::<Vec<_>>(),
        (
            headers.is_negated(),
            headers.mode(),
            headers.headers().map(|it| it.text()).collect::<Vec<_>>(),
        ),
        (
            switch.is_negated(),
            text(switch.name().map(|it| it.syntax().clone())),
            switch.initial(),
        ),
        rule.helper()
            .and_then(|it| it.helper_name())
            .map(|it| it.text()),
    );
    expect![[r#"
        (
            (
                "tcp",
                Some(
                    "!syn",
                ),
                (
                    "1024",
                    "65535",
                ),
            ),
            (
                Some(
                    "s",
                ),
                Some(
                    "ssh",
                ),
                Some(
                    "3/min",
                ),
                Some(
                    "5",
                ),
            ),
            (
                true,
                Some(
                    "joe",
                ),
                Some(
                    "kids",
                ),
            ),
            (
                true,
                Some(
                    "0x10",
                ),
                Some(
                    "0xff",
                ),
                Some(
                    "C",
                ),
            ),
            (
                true,
                true,
                Some(
                    "5",
                ),
                Some(
                    "24",
                ),
            ),
            [
                (
                    "timestart",
                    Some(
                        "08:00",
                    ),
                ),
                (
                    "utc",
                    None,
                ),
            ],
            (
                true,
                Some(
                    "exactly",
                ),
                [
                    "frag",
                    "ah",
                ],
            ),
            (
                true,
                Some(
                    "sw",
                ),
                Some(
                    "1",
                ),
            ),
            Some(
                "ftp",
            ),
        )
    "#]]
    .assert_debug_eq(&facts);
}

#[test]
fn actions_logs_and_directives() {
    let file = tree(
        "SSH(ACCEPT:info!):none!\n?COMMENT Allow # all of it\n?BEGIN SHELL\ntrue\n?END SHELL\n",
        FileKind::Rules,
    );
    let rule = RulesRecord::new(file.records().next().unwrap());
    let spec = rule.action().and_then(|it| it.action_spec()).unwrap();
    let inner = spec
        .params()
        .and_then(|it| it.args().next())
        .and_then(|it| it.action_spec())
        .unwrap();
    let comment = file.directives().next().unwrap();
    let block: EmbeddedBlock = first(file.syntax());
    assert_eq!(spec.name_text(), "SSH");
    assert!(spec.log_spec().unwrap().is_forced());
    assert_eq!(inner.name_text(), "ACCEPT");
    assert!(inner.log_spec().unwrap().is_forced());
    assert_eq!(comment.name(), "COMMENT");
    assert_eq!(comment.argument(), "Allow");
    assert_eq!(comment.comment_text(), "Allow # all of it");
    assert_eq!(block.language(), "SHELL");
}

#[test]
fn typed_records_of_other_files() {
    let zones = tree("vpn:net ipsec mode=tunnel\n", FileKind::Zones);
    let zone = ZonesRecord::new(zones.records().next().unwrap(), 1);
    assert_eq!(zone.zone().map(|it| it.text()).as_deref(), Some("vpn:net"));
    assert_eq!(
        zone.zone_type().map(|it| it.text()).as_deref(),
        Some("ipsec")
    );
    assert_eq!(
        zone.options().map(|it| it.text()).as_deref(),
        Some("mode=tunnel")
    );

    let interfaces = tree(
        "net eth0 detect tcpflags\n?FORMAT 2\nloc eth1 routeback\n",
        FileKind::Interfaces,
    );
    let [(one, f1), (two, f2)] = <[_; 2]>::try_from(interfaces.records_with_format()).unwrap();
    let one = InterfacesRecord::new(one, f1);
    let two = InterfacesRecord::new(two, f2);
    assert_eq!(
        one.broadcast().map(|it| it.text()).as_deref(),
        Some("detect")
    );
    assert_eq!(
        one.options().map(|it| it.text()).as_deref(),
        Some("tcpflags")
    );
    assert!(two.broadcast().is_none());
    assert_eq!(
        two.options().map(|it| it.text()).as_deref(),
        Some("routeback")
    );

    let policy = tree("net all DROP:AllowICMPs info 10/sec:40\n", FileKind::Policy);
    let policy = PolicyRecord::new(policy.records().next().unwrap(), 1);
    let defaults: Vec<String> = policy
        .policy()
        .and_then(|it| it.action_spec())
        .map(|it| it.default_actions().map(|a| a.text()).collect())
        .unwrap_or_default();
    assert_eq!(defaults, ["AllowICMPs"]);
    assert_eq!(
        policy.log_level().map(|it| it.text()).as_deref(),
        Some("info")
    );

    let hosts = tree("loc eth1:[2001:db8::]/64 routeback\n", FileKind::Hosts);
    let host = HostsRecord::new(hosts.records().next().unwrap(), 1);
    let spec = host.hosts().and_then(|it| it.host_spec()).unwrap();
    assert_eq!(
        spec.interface().map(|it| it.text()).as_deref(),
        Some("eth1")
    );
}

#[test]
fn params_assignments() {
    let file = tree(
        "export A=\"x y\" # c\nB=${A}\nif true; then :; fi\n",
        FileKind::Params,
    );
    let found: Vec<(Option<String>, String, bool)> = file
        .assignments()
        .map(|it| (it.name(), it.raw_value(), it.is_export()))
        .collect();
    assert_eq!(
        found,
        [
            (Some("A".to_owned()), "\"x y\"".to_owned(), true),
            (Some("B".to_owned()), "${A}".to_owned(), false)
        ]
    );
    assert_eq!(
        file.items()
            .filter(|it| matches!(it, Item::ShellLine(_)))
            .count(),
        1
    );
}
