//! Hover documentation from the Shorewall 5 manpages.
//!
//! `build.rs` turns the project's copy of the manpages (`docs/manpages/*.xml`) into Markdown
//! at build time; this module looks the texts up by file kind, column and name.
//! Every text ends with an attribution line (`*From shorewall-rules(5), Shorewall 5,
//! GPL-2.0-or-later.*`). See `docs/hover.md`.
//!
//! Lookups are exact, except where Shorewall itself ignores case (noted per function).
//! Name lists are in manpage order, for completion.

use shorewall_syntax::FileKind;

include!(concat!(env!("OUT_DIR"), "/manpages.rs"));

// The build script's XML reader and Markdown converter, compiled here as well so their rules
// can be tested on small inputs.
#[cfg(test)]
#[path = "../build/markdown.rs"]
mod markdown;
#[cfg(test)]
#[path = "../build/xml.rs"]
mod xml;

/// The manpages documenting the columns of a file kind, most specific first: blrules documents
/// only its ACTION column and refers to the rules page for the others; macro and action
/// bodies have the rules columns.
fn column_pages(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Rules | FileKind::Macro | FileKind::Action => &["rules"],
        FileKind::BlRules => &["blrules", "rules"],
        _ => description_page(kind).as_slice(),
    }
}

/// The manpage whose Description describes a file kind. Kinds without a Shorewall 5 manpage
/// (`routestopped`, `tcrules`, `blacklist` were removed in Shorewall 5; macro and action
/// bodies have none of their own) have none.
fn description_page(kind: FileKind) -> &'static Option<&'static str> {
    match kind {
        FileKind::Rules => &Some("rules"),
        FileKind::BlRules => &Some("blrules"),
        FileKind::Actions => &Some("actions"),
        FileKind::Zones => &Some("zones"),
        FileKind::Interfaces => &Some("interfaces"),
        FileKind::Hosts => &Some("hosts"),
        FileKind::Policy => &Some("policy"),
        FileKind::StoppedRules => &Some("stoppedrules"),
        FileKind::Mangle => &Some("mangle"),
        FileKind::Snat => &Some("snat"),
        FileKind::Masq => &Some("masq"),
        FileKind::Nat => &Some("nat"),
        FileKind::Netmap => &Some("netmap"),
        FileKind::Providers => &Some("providers"),
        FileKind::RtRules => &Some("rtrules"),
        FileKind::Routes => &Some("routes"),
        FileKind::Tunnels => &Some("tunnels"),
        FileKind::Accounting => &Some("accounting"),
        FileKind::Conntrack => &Some("conntrack"),
        FileKind::Maclist => &Some("maclist"),
        FileKind::ProxyArp => &Some("proxyarp"),
        FileKind::ProxyNdp => &Some("proxyndp"),
        FileKind::Ecn => &Some("ecn"),
        FileKind::TcInterfaces => &Some("tcinterfaces"),
        FileKind::TcDevices => &Some("tcdevices"),
        FileKind::TcClasses => &Some("tcclasses"),
        FileKind::TcFilters => &Some("tcfilters"),
        FileKind::TcPri => &Some("tcpri"),
        FileKind::Secmarks => &Some("secmarks"),
        FileKind::ArpRules => &Some("arprules"),
        FileKind::Params => &Some("params"),
        FileKind::Conf => &Some("conf"),
        FileKind::Macro
        | FileKind::Action
        | FileKind::RouteStopped
        | FileKind::TcRules
        | FileKind::Blacklist
        | FileKind::KeyValue
        | FileKind::Other => &None,
    }
}

/// Columns our schema names differently from the manpage.
fn manpage_column_name(kind: FileKind, column: &str) -> Option<&'static str> {
    match (kind, column) {
        // The actions file's first column is NAME in shorewall-actions(5).
        (FileKind::Actions, "ACTION") => Some("NAME"),
        // shorewall-stoppedrules(5) calls the first column ACTION.
        (FileKind::StoppedRules, "TARGET") => Some("ACTION"),
        _ => None,
    }
}

/// The manpage text of a column of a file kind, e.g. `column(FileKind::Rules, "DPORT")`.
///
/// `column` is the upper-case name of `FileKind::columns`; the lower-case alternate names
/// (`in_options`, `loglevel`) are accepted too.
pub fn column(file: FileKind, column: &str) -> Option<&'static str> {
    let upper = column.to_ascii_uppercase();
    let mut names = vec![upper.clone()];
    if let Some(alias) = manpage_column_name(file, &upper) {
        names.push(alias.to_string());
    }
    // The column's `{key=value}` names, which manpages give in parentheses.
    for format in [1, 2] {
        for spec in file.columns(format) {
            if spec.name == upper {
                names.extend(spec.keys.iter().map(|key| key.to_ascii_uppercase()));
            }
        }
    }
    column_pages(file).iter().find_map(|page| {
        names
            .iter()
            .find_map(|name| page_column(page, name.as_str()))
    })
}

/// The DESCRIPTION of a file kind's manpage, with the list of its columns.
pub fn file(kind: FileKind) -> Option<&'static str> {
    description_page(kind).and_then(page_description)
}

/// The ACTION-column entry of a built-in action or target, e.g. `ACCEPT`, `ACCEPT!`,
/// `NFQUEUE`, `DNAT-`, `A_DROP!`, `?COMMENT`; blrules-only ones (`BLACKLIST`, `WHITELIST`,
/// `blacklog`) too. Case-sensitive, like Shorewall.
pub fn action(name: &str) -> Option<&'static str> {
    generated_action(name)
}

/// The names [`action`] knows.
pub fn actions() -> &'static [&'static str] {
    ACTION_NAMES
}

/// The rules file section `ALL`, `ESTABLISHED`, `RELATED`, `INVALID`, `UNTRACKED` or `NEW`
/// (any case).
pub fn section(name: &str) -> Option<&'static str> {
    generated_section(&name.to_ascii_uppercase())
}

/// The section names, in the order they must appear.
pub fn sections() -> &'static [&'static str] {
    SECTION_NAMES
}

/// A policy (`ACCEPT`, `DROP`, `REJECT`, `BLACKLIST`, `QUEUE`, `NFQUEUE`, `CONTINUE`, `NONE`;
/// any case).
pub fn policy(name: &str) -> Option<&'static str> {
    generated_policy(&name.to_ascii_uppercase())
}

/// The policy names.
pub fn policies() -> &'static [&'static str] {
    POLICY_NAMES
}

/// A zone type of the zones file (`ip`, `ipv6`, `ipsec`, `firewall`, `bport`, ...).
pub fn zone_type(name: &str) -> Option<&'static str> {
    generated_zone_type(name)
}

/// The zone type names, with their family spellings (`ipv4`, `ipv6`, `ipsec6`, ...).
pub fn zone_types() -> &'static [&'static str] {
    ZONE_TYPE_NAMES
}

/// A zone option (OPTIONS, IN OPTIONS, OUT OPTIONS of zones), by the name before any `=`.
pub fn zone_option(name: &str) -> Option<&'static str> {
    generated_zone_option(name)
}

/// The zone option names.
pub fn zone_options() -> &'static [&'static str] {
    ZONE_OPTION_NAMES
}

/// An interface option (`tcpflags`, `dhcp`, `routeback`, `physical`, ...), by the name before
/// any `=`.
pub fn interface_option(name: &str) -> Option<&'static str> {
    generated_interface_option(name)
}

/// The interface option names.
pub fn interface_options() -> &'static [&'static str] {
    INTERFACE_OPTION_NAMES
}

/// A hosts file option (`maclist`, `routeback`, `ipsec`, ...).
pub fn host_option(name: &str) -> Option<&'static str> {
    generated_host_option(name)
}

/// The hosts option names.
pub fn host_options() -> &'static [&'static str] {
    HOST_OPTION_NAMES
}

/// A shorewall.conf / shorewall6.conf setting (`LOG_LEVEL`, `OPTIMIZE`, ...; any case).
pub fn conf_option(name: &str) -> Option<&'static str> {
    generated_conf_option(&name.to_ascii_uppercase())
}

/// The documented setting names.
pub fn conf_options() -> &'static [&'static str] {
    CONF_OPTION_NAMES
}

/// The literal values a setting's syntax lists (`FASTACCEPT` → `Yes`, `No`); empty when it
/// takes free-form values (`OPTIMIZE`, `LOGFORMAT`). Setting names in any case.
pub fn conf_values(name: &str) -> &'static [&'static str] {
    generated_conf_values(&name.to_ascii_uppercase())
}

/// A log level: a syslog level by name or number (`info`, `6`; names in any case), `NFLOG`,
/// `ULOG` or `none`.
pub fn log_level(name: &str) -> Option<&'static str> {
    generated_log_level(name).or_else(|| generated_log_level(&name.to_ascii_lowercase()))
}

/// The log level names (syslog names and numbers, `NFLOG`, `ULOG`, `none`).
pub fn log_levels() -> &'static [&'static str] {
    LOG_LEVEL_NAMES
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: Option<&str>, expect: Expect) {
        expect.assert_eq(text.unwrap_or("<none>"));
    }

    /// Every file kind, for the checks that go over all of them.
    const ALL_KINDS: &[FileKind] = &[
        FileKind::Rules,
        FileKind::BlRules,
        FileKind::Macro,
        FileKind::Action,
        FileKind::Actions,
        FileKind::Zones,
        FileKind::Interfaces,
        FileKind::Hosts,
        FileKind::Policy,
        FileKind::StoppedRules,
        FileKind::RouteStopped,
        FileKind::Mangle,
        FileKind::TcRules,
        FileKind::Snat,
        FileKind::Masq,
        FileKind::Nat,
        FileKind::Netmap,
        FileKind::Providers,
        FileKind::RtRules,
        FileKind::Routes,
        FileKind::Tunnels,
        FileKind::Accounting,
        FileKind::Conntrack,
        FileKind::Maclist,
        FileKind::ProxyArp,
        FileKind::ProxyNdp,
        FileKind::Blacklist,
        FileKind::Ecn,
        FileKind::TcInterfaces,
        FileKind::TcDevices,
        FileKind::TcClasses,
        FileKind::TcFilters,
        FileKind::TcPri,
        FileKind::Secmarks,
        FileKind::ArpRules,
        FileKind::Params,
        FileKind::Conf,
        FileKind::KeyValue,
        FileKind::Other,
    ];

    /// Every text the module can return, with a label.
    fn all_texts() -> Vec<(String, &'static str)> {
        let mut texts = Vec::new();
        for &kind in ALL_KINDS {
            if let Some(text) = file(kind) {
                texts.push((format!("file {kind:?}"), text));
            }
            for format in [1, 2] {
                for spec in kind.columns(format) {
                    if let Some(text) = column(kind, spec.name) {
                        texts.push((format!("column {kind:?} {}", spec.name), text));
                    }
                }
            }
        }
        type Lookup = fn(&str) -> Option<&'static str>;
        let categories: [(&str, &[&str], Lookup); 9] = [
            ("action", actions(), action),
            ("section", sections(), section),
            ("policy", policies(), policy),
            ("zone type", zone_types(), zone_type),
            ("zone option", zone_options(), zone_option),
            ("interface option", interface_options(), interface_option),
            ("host option", host_options(), host_option),
            ("conf option", conf_options(), conf_option),
            ("log level", log_levels(), log_level),
        ];
        for (label, names, lookup) in categories {
            for name in names {
                match lookup(name) {
                    Some(text) => texts.push((format!("{label} {name}"), text)),
                    None => panic!("{label} {name} is listed but has no text"),
                }
            }
        }
        texts
    }

    /// The Markdown of a DocBook fragment, and the elements it had no rule for.
    fn convert(docbook: &str) -> (String, Vec<String>) {
        let root = super::xml::parse(docbook);
        let mut renderer = super::markdown::Renderer::default();
        let blocks = renderer.flow(&root.children);
        let text = super::markdown::Renderer::join(&blocks);
        (text, renderer.unknown.into_iter().collect())
    }

    #[test]
    fn unknown_elements_fall_back_to_their_content() {
        let (text, unknown) = convert(
            "<para>a <gadget>b <emphasis role=\"bold\">c</emphasis></gadget> d</para>\
             <widget><para>x</para><para>y</para></widget>",
        );
        assert_eq!(text, "a b **c** d\n\nx\n\ny");
        assert_eq!(unknown, ["gadget", "widget"]);
    }

    #[test]
    fn emphasis_markers_only_where_markdown_reads_them() {
        let (text, _) = convert(
            "<para><emphasis role=\"bold\"><replaceable>target</replaceable>[:</emphasis>\
             {<emphasis>level</emphasis>} x<emphasis role=\"bold\">[y]</emphasis>z \
             <emphasis role=\"bold\"> none! </emphasis>done</para>",
        );
        assert_eq!(text, "*target*[:{*level*} x[y]z **none!** done");
    }

    #[test]
    fn entities_decoded_and_markup_characters_escaped() {
        let (text, _) = convert(
            "<para>&lt;2001:db8::1&gt; a*b _DEFAULT A_DROP [x](y) &amp;eth0 &#x41;</para>\
             <para>- not a list</para><para>1. not a list either</para>",
        );
        assert_eq!(
            text,
            "\\<2001:db8::1> a\\*b \\_DEFAULT A_DROP [x\\](y) &eth0 A\n\n\\- not a list\n\n1\\. not a list either"
        );
    }

    #[test]
    fn listings_and_lists() {
        let (text, _) = convert(
            "<para>Intro:</para><programlisting>\n    #ZONE  TYPE\n    net    ipv6\n</programlisting>\
             <variablelist><varlistentry><term><emphasis role=\"bold\">routeback</emphasis></term>\
             <listitem><para>Allow it.</para><para>More.</para></listitem></varlistentry>\
             <varlistentry><term>bare</term><listitem><para/></listitem></varlistentry></variablelist>\
             <itemizedlist><listitem><para>one</para></listitem></itemizedlist>\
             <note><para>Careful.</para></note><simplelist><member>m</member></simplelist>",
        );
        expect![[r#"
            Intro:

            ```
            #ZONE  TYPE
            net    ipv6
            ```

            - `routeback` — Allow it.

              More.

            - `bare`

            - one

            > **Note:** Careful.

            - m"#]]
        .assert_eq(&text);
    }

    #[test]
    fn the_xml_reader_is_lenient() {
        let root = super::xml::parse(
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY y \"z\">]><!-- c --><a>one</b> two<c>three",
        );
        assert_eq!(root.text(), "one twothree");
        let (text, _) = convert("<para>&unknown; &#99999999; <![CDATA[<raw>]]></para>");
        assert_eq!(text, "&unknown; &#99999999; \\<raw>");
    }

    #[test]
    fn rules_dport() {
        check(
            column(FileKind::Rules, "DPORT"),
            expect![[r#"
            `DPORT - {-|port-name-number-or-range[,port-name-number-or-range]...|+ipset}`

            Optional destination Ports. A comma-separated list of Port names (from services(5)), port numbers or port ranges; if the protocol is **icmp**, this column is interpreted as the destination icmp-type(s). ICMP types may be specified as a numeric type, a numeric type and code separated by a slash (e.g., 3/4), or a typename. See http://www.shorewall.net/configuration_file_basics.htm#ICMP. Note that prior to Shorewall 4.4.19, only a single ICMP type may be listed.

            If the protocol is **ipp2p**, this column is interpreted as an ipp2p option without the leading "--" (example **bit** for bit-torrent). If no port is given, **ipp2p** is assumed.

            A port range is expressed as *lowport*:*highport*.

            This column is ignored if **PROTO** = **all** but must be entered if any of the following columns are supplied. In that case, it is suggested that this field contain a dash (**-**).

            If your kernel contains multi-port match support, then only a single Netfilter rule will be generated if in this list and the **SPORT** list below:

            1\. There are 15 or less ports listed.

            2\. No port ranges are included or your kernel and iptables contain extended multi-port match support.

            Beginning with Shorewall 4.6.0, an *ipset* name can be specified in this column. This is intended to be used with *bitmap:port* ipsets.

            This column was formerly labelled DEST PORT(S).

            *From shorewall-rules(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn action_reject() {
        check(
            action("REJECT"),
            expect![[r#"
            `REJECT[(option)]`

            disallow the request and return an icmp-unreachable or an RST packet. If no option is passed, Shorewall selects the appropriate option based on the protocol of the packet.

            Beginning with Shorewall 5.0.8, the type of reject may be specified in the *option* paramater. Valid IPv4 *option* values are:

            - `icmp-net-unreachable`
            - `icmp-host-unreachable`
            - `icmp-port-unreachable`
            - `icmp-proto-unreachable`
            - `icmp-net-prohibited`
            - `icmp-host-prohibited`
            - `icmp-admin-prohibited`
            - `icmp-tcp-reset` (the PROTO column must specify TCP). Beginning with Shorewall 5.1.3, this option may also be specified as `tcp-reset`.

            Valid IPv6 *option* values are:

            - `icmp6-no-route`
            - `no-route`
            - `icmp6-adm-prohibited`
            - `adm-prohibited`
            - `icmp6-addr-unreachable`
            - `addr-unreach`
            - `icmp6-port-unreachable`
            - `tcp-reset` (the PROTO column must specify TCP)

            *From shorewall-rules(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn section_established() {
        check(
            section("ESTABLISHED"),
            expect![[r#"
            `ESTABLISHED`

            Packets in the ESTABLISHED state are processed by rules in this section.

            The only ACTIONs allowed in this section are ACCEPT, DROP, REJECT, LOG, NFLOG, NFQUEUE and QUEUE

            There is an implicit ACCEPT rule inserted at the end of this section.

            *From shorewall-rules(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn interface_option_tcpflags() {
        check(
            interface_option("tcpflags"),
            expect![[r#"
            `tcpflags[={0|1}]`

            Packets arriving on this interface are checked for certain illegal combinations of TCP flags. Packets found to have such a combination of flags are handled according to the setting of TCP_FLAGS_DISPOSITION after having been logged according to the setting of TCP_FLAGS_LOG_LEVEL.

            Beginning with Shorewall 4.6.0, tcpflags=1 is the default. To disable this option, specify tcpflags=0.

            *From shorewall-interfaces(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn conf_optimize() {
        check(
            conf_option("OPTIMIZE"),
            expect![[r#"
                `OPTIMIZE=[value]`

                The specified *value* enables certain optimizations. Each optimization category is associated with a power of two. To enable multiple optimization categories, simply add their corresponding numbers together.

                Beginning with Shorewall 4.5.20, you may specify OPTIMIZE=All to enable all optimization categories, and you may also specify OPTIMIZE=None to disable optimization.

                - Optimization category 1 - Traditionally, Shorewall has created rules for the complete matrix of host groups defined by the zones, interfaces and hosts files. Any traffic that didn't correspond to an element of that matrix was rejected in one of the built-in chains. When the matrix is sparse, this results in lots of largely useless rules.

                  These extra rules can be eliminated by setting the 1 bit in OPTIMIZE.

                  The 1 bit setting also controls the suppression of redundant wildcard rules (those specifying "all" in the SOURCE or DEST column). A wildcard rule is considered to be redundant when it has the same ACTION and Log Level as the applicable policy.

                  > **Note:** Optimization level 1 is ignored when optimization level 4 is also selected, since level 4 performs similar optimizations in a more robust way.

                - Optimization category 2 - Added in Shorewall 4.4.7. When set, suppresses superfluous ACCEPT rules in a policy chain that implements an ACCEPT policy. Any ACCEPT rules that immediately precede the final blanket ACCEPT rule in the chain are now omitted.

                - Optimization category 4 - Added in Shorewall 4.4.7. When set, causes short chains (those with less than 2 rules) to be optimized away. The following chains are excluded from optimization:

                  - accounting chains (unless OPTIMIZE_ACCOUNTING=Yes)

                  - action chains (user-defined)

                  - 'blacklst' chain

                  - dynamic

                  - forwardUPnP

                  - UPnP (nat table)

                  Additionally:

                  - If a built-in chain has a single rule that branches to a second chain, then the rules from the second chain are moved to the built-in chain and the target chain is omitted.

                  - Chains with no references are deleted.

                  - Accounting chains are subject to optimization if the OPTIMIZE_ACCOUNTING option is set to 'Yes'.

                  - If a chain ends with an unconditional branch to a second chain (other than to 'reject'), then the branch is deleted from the first chain and the rules from the second chain are appended to it.

                  An additional optimization was added in Shorewall 4.5.4. If the last rule in a chain is an unqualified jump to a simple target, then all immediately preceding rules with the same simple target are omitted.

                  For example, consider this chain:

                  ```
                  -A fw-net -p udp --dport 67:68 -j ACCEPT
                  -A fw-net -p udp --sport 1194 -j ACCEPT
                  -A fw-net -p 41 -j ACCEPT
                  -A fw-net -j ACCEPT
                  ```

                  Since all of the rules are jumps to the simple target ACCEPT, this chain is totally optimized away and jumps to the chain are replace with jumps to ACCEPT.

                - Optimization category 8 - Added in Shorewall 4.4.9. When set, causes chains with identical rules to be collapsed into a single chain.

                - Optimization category 16 - Added in Shorewall 4.4.26. When set, causes sequences of *compatible* rules to be combined into a single rule. Rules are considered compatible if they differ only in their destination ports and comments.

                  A sequence of compatible rules is often generated when macros are invoked in sequence.

                  The ability to combine adjacent rules is limited by two factors:

                  - Destination port lists may only be combined up to a maximum of 15 ports, where a port-pair counts as two ports.

                  - Rules may only be combined until the length of their concatenated comment reaches 255 characters.

                  When either of these limits would be exceeded, the current combined rule is emitted and the compiler attempts to combine rules beginning with the one that would have exceeded the limit. Adjacent combined comments are separated by ', '. Empty comments at the front of a group of combined comments are replaced by 'Others and'. Empty comments at the end of a group of combined comments are replaced by 'and others'.

                  Beginning in Shorewall 4.5.10, this option also suppresses duplicate adjacent rules and duplicate non-adjacent rules that don't include **mark**, **connmark**, **dscp**, **ecn**, **set**, **tos** or **u32** matches.

                In versions prior to 5.1.0, the default value is zero which disables all optimizations. Beginning with Shorewall 5.1.0, the default value is All which enables all optimizations.

                *From shorewall.conf(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn zone_type_ipv6() {
        check(
            zone_type("ipv6"),
            expect![[r#"
            `ip`

            This is the standard Shorewall zone type and is the default if you leave this column empty or if you enter "-" in the column. Communication with some zone hosts may be encrypted. Encrypted hosts are designated using the 'ipsec' option in shorewall-hosts(5). For clarity, this zone type may be specified as `ipv4` in IPv4 configurations and `ipv6` in IPv6 configurations.

            *From shorewall-zones(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn log_level_nflog() {
        check(
            log_level("NFLOG"),
            expect![[r#"
            `NFLOG`

            If your kernel has NFLOG target support (and most vendor-supplied kernels do), you may also specify a log level of NFLOG (must be all caps). When NFLOG is used, Shorewall will direct Netfilter to log the related messages via the NFLOG target which will send them to a process called "ulogd". The ulogd program is included in most distributions.

            > **Note:** The NFLOG logging mechanism is *completely separate* from syslog. Once you switch to NFLOG, the settings in `/etc/syslog.conf` have absolutely no effect on your Shorewall logging (except for Shorewall status messages which still go to syslog).

            You will need to change all instances of log levels (usually "info") in your Shorewall configuration files to "NFLOG" - this includes entries in the policy, rules and shorewall.conf files. If you initially installed using Shorewall 5.1.2 or later, you can simply change the setting of LOG_LEVEL in shorewall.conf.

            *From shorewall-logging(5), Shorewall 5, GPL-2.0-or-later.*"#]],
        );
    }

    #[test]
    fn every_column_of_the_main_kinds() {
        for kind in [
            FileKind::Rules,
            FileKind::BlRules,
            FileKind::Macro,
            FileKind::Action,
            FileKind::Zones,
            FileKind::Interfaces,
            FileKind::Hosts,
            FileKind::Policy,
        ] {
            assert!(file(kind).is_some() || matches!(kind, FileKind::Macro | FileKind::Action));
            for format in [1, 2] {
                for spec in kind.columns(format) {
                    assert!(
                        column(kind, spec.name).is_some(),
                        "{kind:?} column {} has no text",
                        spec.name
                    );
                }
            }
        }
    }

    #[test]
    fn columns_without_text() {
        // Kinds with a manpage should document every column; those without one have none.
        let mut missing = Vec::new();
        for &kind in ALL_KINDS {
            for format in [1, 2] {
                for spec in kind.columns(format) {
                    let entry = format!("{kind:?} {}", spec.name);
                    if column(kind, spec.name).is_none() && !missing.contains(&entry) {
                        missing.push(entry);
                    }
                }
            }
        }
        expect![[r#"
            [
                "RouteStopped INTERFACE",
                "RouteStopped HOSTS",
                "RouteStopped OPTIONS",
                "RouteStopped PROTO",
                "RouteStopped DPORT",
                "RouteStopped SPORT",
                "Mangle HEADERS",
                "TcRules ACTION",
                "TcRules SOURCE",
                "TcRules DEST",
                "TcRules PROTO",
                "TcRules DPORT",
                "TcRules SPORT",
                "TcRules USER",
                "TcRules TEST",
                "TcRules LENGTH",
                "TcRules TOS",
                "TcRules CONNBYTES",
                "TcRules HELPER",
                "TcRules HEADERS",
                "TcRules PROBABILITY",
                "TcRules DSCP",
                "TcRules STATE",
                "Snat SPORT",
                "Accounting HEADERS",
                "Blacklist NETWORKS",
                "Blacklist PROTO",
                "Blacklist PORT",
                "Blacklist OPTIONS",
                "TcPri SPORT",
            ]
        "#]]
        .assert_debug_eq(&missing);
    }

    #[test]
    fn every_builtin_action() {
        let names = [
            "ACCEPT",
            "ACCEPT+",
            "ACCEPT!",
            "DROP",
            "DROP!",
            "REJECT",
            "REJECT!",
            "CONTINUE",
            "CONTINUE!",
            "LOG",
            "QUEUE",
            "QUEUE!",
            "NFQUEUE",
            "NFQUEUE!",
            "DNAT",
            "DNAT-",
            "REDIRECT",
            "REDIRECT-",
            "NONAT",
            "COUNT",
            "A_ACCEPT",
            "A_ACCEPT+",
            "A_ACCEPT!",
            "A_DROP",
            "A_DROP!",
            "A_REJECT",
            "A_REJECT!",
            "ADD",
            "DEL",
            "AUDIT",
            "BLACKLIST",
            "WHITELIST",
            "blacklog",
            "CONNMARK",
            "HELPER",
            "IPTABLES",
            "IP6TABLES",
            "INLINE",
            "MARK",
            "NFLOG",
            "TARPIT",
            "ULOG",
            "?COMMENT",
            "COMMENT",
        ];
        for name in names {
            assert!(action(name).is_some(), "action {name} has no text");
        }
        expect![[r#"
            [
                "ACCEPT",
                "ACCEPT+",
                "ACCEPT!",
                "ADD",
                "AUDIT",
                "A_ACCEPT",
                "A_ACCEPT+",
                "A_ACCEPT!",
                "A_DROP",
                "A_DROP!",
                "A_REJECT",
                "A_REJECT!",
                "COMMENT",
                "?COMMENT",
                "CONNMARK",
                "CONTINUE",
                "CONTINUE!",
                "COUNT",
                "DEL",
                "DNAT",
                "DNAT-",
                "DROP",
                "DROP!",
                "HELPER",
                "INLINE",
                "IPTABLES",
                "IP6TABLES",
                "LOG",
                "MARK",
                "NFLOG",
                "NFQUEUE",
                "NFQUEUE!",
                "NONAT",
                "QUEUE",
                "QUEUE!",
                "REJECT",
                "REJECT!",
                "REDIRECT",
                "REDIRECT-",
                "TARPIT",
                "ULOG",
                "BLACKLIST",
                "blacklog",
                "WHITELIST",
            ]
        "#]]
        .assert_debug_eq(&actions());
        // Placeholders and parameters are not actions.
        for name in ["action", "macro", "bypass", "honeypot", "CONMARK", "accept"] {
            assert!(action(name).is_none(), "{name} is not a built-in action");
        }
    }

    #[test]
    fn name_lists() {
        expect![[r#"
            [
                "ALL",
                "ESTABLISHED",
                "RELATED",
                "INVALID",
                "UNTRACKED",
                "NEW",
            ]
        "#]]
        .assert_debug_eq(&sections());
        expect![[r#"
            [
                "ACCEPT",
                "DROP",
                "REJECT",
                "BLACKLIST",
                "QUEUE",
                "NFQUEUE",
                "CONTINUE",
                "NONE",
            ]
        "#]]
        .assert_debug_eq(&policies());
        expect![[r#"
            [
                "ip",
                "ipv4",
                "ipv6",
                "ipsec",
                "ipsec4",
                "ipsec6",
                "firewall",
                "bport",
                "bport4",
                "bport6",
                "vserver",
                "loopback",
                "local",
            ]
        "#]]
        .assert_debug_eq(&zone_types());
        expect![[r#"
            [
                "dynamic_shared",
                "reqid",
                "spi",
                "proto",
                "mss",
                "mode",
                "tunnel-src",
                "tunnel-dst",
                "strict",
                "next",
            ]
        "#]]
        .assert_debug_eq(&zone_options());
        expect![[r#"
            [
                "accept_ra",
                "arp_filter",
                "arp_ignore",
                "blacklist",
                "bridge",
                "dbl",
                "destonly",
                "dhcp",
                "forward",
                "ignore",
                "loopback",
                "logmartians",
                "maclist",
                "mss",
                "nets",
                "nodbl",
                "nosmurfs",
                "optional",
                "physical",
                "proxyarp",
                "proxyndp",
                "required",
                "routeback",
                "routefilter",
                "rpfilter",
                "sfilter",
                "sourceroute",
                "tcpflags",
                "unmanaged",
                "upnp",
                "upnpclient",
                "wait",
            ]
        "#]]
        .assert_debug_eq(&interface_options());
        expect![[r#"
            [
                "blacklist",
                "broadcast",
                "destonly",
                "ipsec",
                "maclist",
                "mss",
                "nosmurfs",
                "routeback",
                "tcpflags",
            ]
        "#]]
        .assert_debug_eq(&host_options());
        expect![[r#"
            [
                "debug",
                "7",
                "info",
                "6",
                "notice",
                "5",
                "warning",
                "4",
                "err",
                "3",
                "crit",
                "2",
                "alert",
                "1",
                "emerg",
                "0",
                "NFLOG",
                "ULOG",
                "none",
            ]
        "#]]
        .assert_debug_eq(&log_levels());
    }

    #[test]
    fn lookups_ignore_case_where_shorewall_does() {
        assert_eq!(section("new"), section("NEW"));
        assert_eq!(policy("drop"), policy("DROP"));
        assert_eq!(conf_option("log_level"), conf_option("LOG_LEVEL"));
        assert_eq!(log_level("INFO"), log_level("info"));
        assert_eq!(log_level("6"), log_level("info"));
        assert!(action("accept").is_none());
        assert_eq!(
            column(FileKind::Zones, "in_options"),
            column(FileKind::Zones, "OPTIONS")
        );
    }

    #[test]
    fn conf_options_and_values() {
        for name in [
            "LOG_LEVEL",
            "LOGFORMAT",
            "OPTIMIZE",
            "FASTACCEPT",
            "IP_FORWARDING",
            "BLACKLIST",
        ] {
            assert!(conf_options().contains(&name), "{name} is not listed");
        }
        assert_eq!(conf_values("FASTACCEPT"), ["Yes", "No"]);
        assert_eq!(conf_values("IP_FORWARDING"), ["On", "Off", "Keep"]);
        assert_eq!(conf_values("LOGFILE"), ["systemd"]);
        assert!(conf_values("OPTIMIZE").is_empty());
        assert_eq!(conf_options().len(), 129);
    }

    #[test]
    fn texts_are_attributed_and_sized_for_a_hover() {
        let texts = all_texts();
        for (label, text) in &texts {
            let attribution = text.lines().last().unwrap_or("");
            assert!(
                attribution.starts_with("*From ")
                    && attribution.ends_with(", Shorewall 5, GPL-2.0-or-later.*"),
                "{label} lacks the attribution: {attribution}"
            );
            assert!(text.len() <= 5_000, "{label} is {} bytes", text.len());
        }
    }
}
