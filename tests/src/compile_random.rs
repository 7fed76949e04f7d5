//! Random IPv6 configurations for differential testing of the compile preview against the real
//! Shorewall 5.2.8 (`src/bin/compile_diff.rs`): zones (nested, host zones), interface options,
//! policies with log levels and limits, rules with macros, actions, addresses, ports, rate,
//! user, mark, connlimit, time and headers in sections, and the shorewall6.conf settings that
//! change the output, each chosen by a seeded generator so that a seed names a configuration.
//!
//! The generator aims at configurations Shorewall accepts; the few it rejects are useful too
//! (the preview must reject them as well).

use std::collections::BTreeMap;

pub use crate::rng::Rng;

/// Bumped whenever the generator changes what a seed gives, so that cached verdicts of the
/// old generator are not trusted (they also carry a hash of the configuration).
pub const GENERATOR: u32 = 2;

/// FNV-1a, 64 bits: a stable hash of texts for the cached verdicts.
pub fn fnv64(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The hash of a configuration (its files in name order).
pub fn config_hash(files: &BTreeMap<String, String>) -> u64 {
    let mut all = String::new();
    for (name, text) in files {
        all.push_str(name);
        all.push('\0');
        all.push_str(text);
        all.push('\0');
    }
    fnv64(&all)
}

/// A zone of the generated configuration.
struct Zone {
    name: &'static str,
    /// The parent zone of a nested zone.
    parent: Option<&'static str>,
    /// The interface of an interface zone, or the interface and networks of a host zone.
    iface: &'static str,
    hosts: Option<String>,
}

const IFACES: [&str; 4] = ["eth0", "eth1", "eth2", "eth3"];

/// The configuration of `seed`: file name → contents.
pub fn generate(seed: u64) -> BTreeMap<String, String> {
    let mut rng = Rng::new(seed);
    let mut files = BTreeMap::new();
    let conf = conf_file(&mut rng);
    let fastaccept = conf.contains("FASTACCEPT=Yes");
    let zones = gen_zones(&mut rng);
    files.insert("zones".to_owned(), zones_file(&zones));
    files.insert("interfaces".to_owned(), interfaces_file(&mut rng, &zones));
    if let Some(hosts) = hosts_file(&zones) {
        files.insert("hosts".to_owned(), hosts);
    }
    let params = rng.chance(40);
    if params {
        files.insert(
            "params".to_owned(),
            "NETA=2001:db8:100::/48\nHOSTB=2001:db8:200::7\nWEBPORTS=80,443\n".to_owned(),
        );
    }
    files.insert("policy".to_owned(), policy_file(&mut rng, &zones));
    files.insert(
        "rules".to_owned(),
        rules_file(&mut rng, &zones, params, fastaccept),
    );
    files.insert("shorewall6.conf".to_owned(), conf);
    // From seed 1000 on, a conntrack file too (drawn last, so that the configurations of the
    // earlier seeds and their cached verdicts stay as they were).
    if seed >= 1000 && rng.chance(70) {
        files.insert("conntrack".to_owned(), conntrack_file(&mut rng, &zones));
    }
    // From seed 2000 on, NAT: a snat (or masq) file and DNAT/REDIRECT rules.
    if seed >= 2000 {
        if rng.chance(60) {
            let name = if rng.chance(25) { "masq" } else { "snat" };
            files.insert(name.to_owned(), snat_file(&mut rng, &zones, name == "masq"));
        }
        if rng.chance(60) {
            let lines = nat_rules(&mut rng, &zones);
            if let Some(rules) = files.get_mut("rules") {
                rules.push_str(&lines);
            }
        }
    }
    // From seed 2300 on, a mangle file.
    if seed >= 2300 && rng.chance(60) {
        files.insert("mangle".to_owned(), mangle_file(&mut rng, &zones));
    }
    // From seed 2600 on, a nat file and a netmap file.
    if seed >= 2600 {
        let ifaces = zone_interfaces(&zones);
        if rng.chance(40) {
            let mut out = String::new();
            for n in 0..1 + rng.below(3) {
                let iface = *rng.pick(&ifaces);
                let columns = *rng.pick(&["", "\tYes", "\tNo\tYes", "\t-\tno"]);
                out.push_str(&format!(
                    "2001:db8::{:x}\t{iface}\t2001:db8:1::{n:x}{columns}\n",
                    0x10 + n
                ));
            }
            files.insert("nat".to_owned(), out);
        }
        if rng.chance(40) {
            let mut out = String::new();
            for n in 0..1 + rng.below(3) {
                let iface = *rng.pick(&ifaces);
                let kind = *rng.pick(&["SNAT", "DNAT"]);
                let net3 = *rng.pick(&["", "\t2001:db8:fe::/48", "\t-\ttcp\t80"]);
                out.push_str(&format!(
                    "{kind}\t2001:db8:{:x}::/64\t{iface}\t2001:db8:{:x}::/64{net3}\n",
                    0x10 + n,
                    0x100 + n
                ));
            }
            files.insert("netmap".to_owned(), out);
        }
    }
    // From seed 3200 on, an action whose body does DNAT or REDIRECT, invoked by rules.
    if seed >= 3200 && rng.chance(50) {
        let (body, redirect) = *rng.pick(&[
            (
                "DNAT\t-\t[2001:db8:ff::5]:8080\ttcp\t80\nACCEPT\t-\t-\ttcp\t81\n",
                false,
            ),
            ("DNAT-\t-\t[2001:db8:ff::6]\ttcp\t25\n", false),
            ("HTTP(DNAT)\t-\t[2001:db8:ff::7]\nSSH(ACCEPT)\n", false),
            ("REDIRECT\t-\t3128\ttcp\t80\n", true),
        ]);
        let inline = if rng.chance(30) { "\tinline" } else { "" };
        files.insert("actions".to_owned(), format!("NatAct{inline}\n"));
        files.insert("action.NatAct".to_owned(), body.to_owned());
        let mut lines = String::new();
        for _ in 0..1 + rng.below(3) {
            let source = zones[rng.below(zones.len())].name;
            let dest = if redirect {
                "$FW"
            } else {
                zones[rng.below(zones.len())].name
            };
            let level = if rng.chance(20) { ":info" } else { "" };
            lines.push_str(&format!("NatAct{level}\t{source}\t{dest}\n"));
        }
        if let Some(rules) = files.get_mut("rules") {
            rules.push_str(&lines);
        }
    }
    // From seed 3400 on, auditing, helpers, IPsec and DNAT with a parameter.
    if seed >= 3400 {
        audit_helper_ipsec(&mut rng, &zones, &mut files);
    }
    // From seed 4000 on, multi-ISP routing: providers, rtrules and routes files.
    if seed >= 4000 && rng.chance(60) {
        providers_files(&mut rng, &zones, &mut files, seed >= 4250);
    }
    // From seed 5000 on, traffic shaping: TC_ENABLED, tcinterfaces and tcpri files.
    if seed >= 5000 && rng.chance(70) {
        tc_files(&mut rng, &zones, &mut files);
    }
    // From seed 5500 on, complex traffic shaping: tcdevices, tcclasses, tcfilters, CLASSIFY.
    if seed >= 5500 && rng.chance(70) {
        // Seeds 5500-5599 make many mistakes, later ones few.
        let mistakes = if seed < 5600 { 15 } else { 2 };
        complex_tc_files(&mut rng, &zones, &mut files, mistakes);
    }
    // From seed 5800 on, the other mangle forms: TPROXY, DIVERT, TOS, IPMARK, TTL, the built-in
    // and nat-table chains, the TOS and HELPER columns.
    if seed >= 5800 && rng.chance(70) {
        let lines = mangle_more(&mut rng);
        files
            .entry("mangle".to_owned())
            .or_default()
            .push_str(&lines);
    }
    files
}

/// TC_ENABLED=Internal or Shared with tcdevices (numbers, options, IFB devices), tcclasses
/// (marks, nested classes, rates on `full`, HFSC curves, options), tcfilters and CLASSIFY
/// rules in the mangle file, with a few mistakes.
fn complex_tc_files(
    rng: &mut Rng,
    zones: &[Zone],
    files: &mut BTreeMap<String, String>,
    mistakes: usize,
) {
    // A mistake in `mistakes` percent of the picks.
    let pick = |rng: &mut Rng, good: &[&'static str], bad: &[&'static str]| -> &'static str {
        let list = if rng.chance(mistakes) { bad } else { good };
        list[rng.below(list.len())]
    };
    let ifaces = zone_interfaces(zones);
    if ifaces.is_empty() {
        return;
    }
    let mode = *rng.pick(&["Internal", "Internal", "Shared"]);
    if let Some(conf) = files.get_mut("shorewall6.conf") {
        let kept: Vec<&str> = conf
            .lines()
            .filter(|it| !it.starts_with("TC_ENABLED=") && !it.starts_with("MANGLE_ENABLED="))
            .collect();
        let mut text = kept.join("\n");
        text.push_str(&format!("\nTC_ENABLED={mode}\n"));
        if rng.chance(15) {
            text.push_str(pick(
                rng,
                &["BASIC_FILTERS=Yes\n", "TC_BITS=14\n"],
                &["TC_BITS=0\n"],
            ));
        }
        *conf = text;
    }
    let mut devices = String::new();
    let mut classes = String::new();
    let mut filters = String::new();
    let mut classids: Vec<(String, String)> = Vec::new();
    let mut first_in_bandwidth = false;
    let count = 1 + rng.below(ifaces.len().min(2));
    for (n, iface) in ifaces.iter().take(count).enumerate() {
        let numbered = rng.chance(30);
        let number = if numbered { 5 + n } else { n + 1 };
        let hfsc = rng.chance(20);
        let options = if hfsc {
            "hfsc"
        } else {
            pick(
                rng,
                &[
                    "-",
                    "-",
                    "-",
                    "classify",
                    "flow=src",
                    "pfifo",
                    "linklayer=atm,overhead=5",
                ],
                &["overhead=5", "bogus"],
            )
        };
        let classify = options == "classify";
        let in_bandwidth = pick(rng, &["-", "-", "0", "10mbit", "~1mbit"], &["fast"]);
        let out_bandwidth = pick(
            rng,
            &["10mbit", "10mbit", "1mbit", "2mbit"],
            &["-", "100kbit"],
        );
        let name = if numbered {
            format!("{number:x}:{iface}")
        } else {
            (*iface).to_owned()
        };
        devices.push_str(&format!(
            "{name}\t{in_bandwidth}\t{out_bandwidth}\t{options}\n"
        ));
        if n == 0 {
            first_in_bandwidth = !matches!(in_bandwidth, "-" | "0");
        }
        let mut used = Vec::new();
        for k in 0..1 + rng.below(4) {
            let class = if rng.chance(mistakes) {
                1
            } else {
                0x10 * (k as u32 + 1)
            };
            let nested = k > 0 && rng.chance(20);
            let (devclass, id) = match rng.below(5) {
                0 if !classify && k == 0 => ((*iface).to_owned(), format!("{number:x}:11")),
                1 => (
                    format!("{number:x}:{class:x}"),
                    format!("{number:x}:{class:x}"),
                ),
                _ if nested => match used.get(1).filter(|_| k > 1) {
                    Some(parent) => (
                        format!("{iface}:{parent:x}:{:x}", class + 0x100),
                        format!("{number:x}:{:x}", class + 0x100),
                    ),
                    None => (
                        format!("{iface}:{class:x}"),
                        format!("{number:x}:{class:x}"),
                    ),
                },
                _ => (
                    format!("{iface}:{class:x}"),
                    format!("{number:x}:{class:x}"),
                ),
            };
            used.push(class);
            let mark = if classify {
                pick(rng, &["-"], &["1"])
            } else {
                pick(rng, &["1", "2", "3", "4:7"], &["-", "300", "x"])
            };
            let mark = if mark == "1" || mark == "2" || mark == "3" {
                format!("{}", k + 1)
            } else {
                mark.to_owned()
            };
            let rate = if hfsc {
                pick(
                    rng,
                    &["100kbit", "100kbit:10ms", "100kbit:10ms:1500"],
                    &["-", "50kbit:0:100"],
                )
            } else {
                pick(
                    rng,
                    &["100kbit", "full/4", "full*3/4", "200kbit", "(full-100)/2"],
                    &["20mbit", "-"],
                )
            };
            let ceil = pick(
                rng,
                &["full", "full", "full*3/4"],
                &["20mbit", "-", "50kbit:full"],
            );
            let prio = if hfsc {
                pick(rng, &["1", "2"], &["-", "x"])
            } else {
                pick(rng, &["1", "2", "3"], &["-", "x"])
            };
            let mut options: Vec<&str> = Vec::new();
            if k == 0 && !rng.chance(mistakes) {
                options.push("default");
            }
            if rng.chance(40) {
                options.push(pick(
                    rng,
                    &[
                        "tcp-ack",
                        "tos=0x10",
                        "tos-minimize-delay",
                        "limit=10",
                        "tcp-ack:9",
                    ],
                    &["tos=zz"],
                ));
            }
            if rng.chance(40) {
                options.push(pick(
                    rng,
                    &[
                        "flow=dst",
                        "pfifo",
                        "red=(min=10,max=30,limit=100,burst=5,probability=0.5)",
                        "fq_codel",
                        "fq_codel=(target=5ms,flows=10)",
                    ],
                    &[
                        "red=(min=10,max=15,limit=100,burst=5,probability=0.5)",
                        "occurs=2",
                        "default",
                        "bogus",
                    ],
                ));
            }
            let options = if options.is_empty() {
                "-".to_owned()
            } else {
                options.join(",")
            };
            classes.push_str(&format!(
                "{devclass}\t{mark}\t{rate}\t{ceil}\t{prio}\t{options}\n"
            ));
            classids.push((id, (*iface).to_owned()));
        }
    }
    if rng.chance(15) && (!first_in_bandwidth || rng.chance(mistakes)) {
        let iface = ifaces[0];
        devices.push_str(&format!("ifb0\t-\t10mbit\t-\t{iface}\n"));
        classes.push_str("ifb0:10\t-\t1mbit\tfull\t1\tdefault\n");
    }
    for _ in 0..rng.below(4) {
        let Some((id, iface)) = classids.get(rng.below(classids.len())).cloned() else {
            break;
        };
        let class = id.split(':').nth(1).unwrap_or("10");
        let devclass = if rng.chance(50) {
            format!("{iface}:{class}")
        } else {
            id.clone()
        };
        let source = pick(rng, &["-", "-", "2001:db8::/32"], &["zz"]);
        let dest = *rng.pick(&["-", "-", "2001:db8:1::1"]);
        let (proto, dport, sport) = if rng.chance(mistakes) {
            *rng.pick(&[
                ("ipv6-icmp", "128", "-"),
                ("-", "80", "-"),
                ("tcp", "80:70", "-"),
            ])
        } else {
            *rng.pick(&[
                ("tcp", "80", "-"),
                ("udp", "53,54", "1024:"),
                ("tcp,udp", "1000:2000", "-"),
                ("ipv6-icmp", "-", "-"),
                ("-", "-", "-"),
            ])
        };
        let tos = pick(rng, &["-", "-", "0x10", "tos-minimize-cost"], &["0x1"]);
        let length = pick(rng, &["-", "-", "64"], &["100"]);
        filters.push_str(&format!(
            "{devclass}\t{source}\t{dest}\t{proto}\t{dport}\t{sport}\t{tos}\t{length}\n"
        ));
    }
    files.insert("tcdevices".to_owned(), devices);
    files.insert("tcclasses".to_owned(), classes);
    if !filters.is_empty() {
        files.insert("tcfilters".to_owned(), filters);
    }
    if rng.chance(60) {
        let mut lines = String::new();
        for _ in 0..1 + rng.below(3) {
            let id = match classids.get(rng.below(classids.len())) {
                Some((id, _)) if !rng.chance(mistakes) => id.clone(),
                _ => "1:99".to_owned(),
            };
            let designator = *rng.pick(&["", "", ":F", ":T"]);
            let dest = pick(rng, &["-", "-", "[2001:db8::5]"], &["eth9"]);
            let port = *rng.pick(&["80", "443", "22"]);
            lines.push_str(&format!(
                "CLASSIFY({id}){designator}\t-\t{dest}\ttcp\t{port}\n"
            ));
        }
        files
            .entry("mangle".to_owned())
            .or_default()
            .push_str(&lines);
    }
}

/// TC_ENABLED (mostly Simple), a tcinterfaces file (types, IN-BANDWIDTH with bursts and
/// estimators, OUT-BANDWIDTH with burst, latency, peak and minburst) and a tcpri file (format 1
/// or 2: protocols, ports, addresses, interfaces, helpers), with a few mistakes; sometimes the
/// complex shaping files, which Shorewall reads with TC_ENABLED=Internal or Shared only.
fn tc_files(rng: &mut Rng, zones: &[Zone], files: &mut BTreeMap<String, String>) {
    let mode = *rng.pick(&[
        "Simple", "Simple", "Simple", "simple", "No", "Internal", "Shared",
    ]);
    if let Some(it) = files.get_mut("shorewall6.conf") {
        it.push_str(&format!("TC_ENABLED={mode}\n"));
    }
    let ifaces = zone_interfaces(zones);
    if ifaces.is_empty() {
        return;
    }
    let mut tcinterfaces = String::from("#INTERFACE\tTYPE\tIN-BANDWIDTH\tOUT-BANDWIDTH\n");
    for iface in &ifaces {
        if !rng.chance(60) {
            continue;
        }
        let iface = if rng.chance(5) { "eth9" } else { *iface };
        let kind = *rng.pick(&["-", "external", "internal", "Internal", "-", "bogus"]);
        let in_bandwidth = *rng.pick(&[
            "-",
            "0",
            "10mbit",
            "1.5mbit:20kb",
            "~2mbit",
            "~500kbit:250ms:4sec",
            "~1mbit:2sec:1sec",
            "100kbps",
            "12500",
            "fast",
        ]);
        let out_bandwidth = *rng.pick(&[
            "-",
            "2mbit",
            "1mbit:10kb",
            "1mbit:10kb:100ms",
            "1mbit:10kb:100ms:2mbit:1500b",
            "1mbit::50ms",
            "1mbit:10kb:2h",
            ":10kb",
        ]);
        tcinterfaces.push_str(&format!(
            "{iface}\t{kind}\t{in_bandwidth}\t{out_bandwidth}\n"
        ));
    }
    files.insert("tcinterfaces".to_owned(), tcinterfaces);
    let format2 = rng.chance(40);
    let mut tcpri = String::new();
    if format2 {
        tcpri.push_str("?FORMAT 2\n");
    }
    for _ in 0..1 + rng.below(5) {
        let band = *rng.pick(&["1", "2", "3", "1", "2", "3", "0x2", "4"]);
        let record = match rng.below(6) {
            0 | 1 => {
                let proto = *rng.pick(&["tcp", "udp", "tcp,udp", "ipv6-icmp", "6"]);
                let dport = *rng.pick(&["22", "80,443", "1000:2000", "-", "ssh", "128"]);
                let sport = *rng.pick(&["-", "-", "1024:65535"]);
                if format2 {
                    format!("{band}\t{proto}\t{dport}\t{sport}")
                } else {
                    format!("{band}\t{proto}\t{dport}")
                }
            }
            2 => {
                let address = *rng.pick(&["2001:db8::/64", "2001:db8::5", "!2001:db8:1::/48"]);
                let skip = if format2 { "-\t-\t-" } else { "-\t-" };
                format!("{band}\t{skip}\t{address}")
            }
            3 => {
                let declared = ifaces[rng.below(ifaces.len())];
                let iface = *rng.pick(&[declared, "eth7"]);
                let skip = if format2 { "-\t-\t-\t-" } else { "-\t-\t-" };
                format!("{band}\t{skip}\t{iface}")
            }
            4 => {
                let helper = *rng.pick(&["ftp", "sip", "bogus"]);
                let skip = if format2 {
                    "-\t-\t-\t-\t-"
                } else {
                    "-\t-\t-\t-"
                };
                format!("{band}\t{skip}\t{helper}")
            }
            _ => {
                // A mistake: INTERFACE with PROTO, or nothing but the band.
                let iface = ifaces[rng.below(ifaces.len())];
                let skip = if format2 { "-\t-\t-" } else { "-\t-" };
                if rng.chance(50) {
                    format!("{band}\ttcp\t{skip}\t{iface}")
                } else {
                    band.to_owned()
                }
            }
        };
        tcpri.push_str(&record);
        tcpri.push('\n');
    }
    files.insert("tcpri".to_owned(), tcpri);
    if rng.chance(20) {
        let iface = ifaces[rng.below(ifaces.len())];
        files.insert("tcdevices".to_owned(), format!("{iface}\t10mbit\t2mbit\n"));
    }
}

/// A providers file (tracked, balanced, fallback, loaded, tproxy providers, marks given or
/// assigned), with rtrules and routes files and the settings that shape the marks. A `valid`
/// configuration draws from values Shorewall accepts (seeds 4000–4249 made mostly mistakes).
fn providers_files(
    rng: &mut Rng,
    zones: &[Zone],
    files: &mut BTreeMap<String, String>,
    valid: bool,
) {
    let ifaces = zone_interfaces(zones);
    let mut names = Vec::new();
    let mut out =
        String::from("#NAME\tNUMBER\tMARK\tDUPLICATE\tINTERFACE\tGATEWAY\tOPTIONS\tCOPY\n");
    for (n, iface) in ifaces.iter().enumerate() {
        if n > 0 && !rng.chance(60) {
            continue;
        }
        let name = format!("isp{}", n + 1);
        let own = format!("{}", n + 1);
        let mark = if valid {
            *rng.pick(&["-", "-", own.as_str(), "-", own.as_str()])
        } else {
            *rng.pick(&["-", "-", own.as_str(), "0x10", "0x100"])
        };
        let duplicate = *rng.pick(&["-", "-", "-", "main", "isp1"]);
        let gateway = *rng.pick(&["2001:db8::1", "detect", "none", "-", "[2001:db8::2]"]);
        let gateway = if valid && gateway == "none" {
            "detect"
        } else {
            gateway
        };
        let mut options: Vec<&str> = Vec::new();
        for _ in 0..rng.below(3) {
            let option = *rng.pick(&[
                "track",
                "notrack",
                "balance",
                "balance=2",
                "fallback",
                "loose",
                "load=0.5",
                "optional",
                "persistent",
                "tproxy",
                "mtu=1400",
                "noautosrc",
                "primary",
                "bogus",
            ]);
            let refused = valid && matches!(option, "bogus" | "tproxy");
            if !options.contains(&option) && !refused {
                options.push(option);
            }
        }
        let options = if options.is_empty() {
            "-".to_owned()
        } else {
            options.join(",")
        };
        let copy = if duplicate != "-" && rng.chance(30) {
            "\tnone"
        } else {
            ""
        };
        out.push_str(&format!(
            "{name}\t{}\t{mark}\t{duplicate}\t{iface}\t{gateway}\t{options}{copy}\n",
            n + 1
        ));
        names.push(name);
    }
    files.insert("providers".to_owned(), out);
    if rng.chance(50) {
        let mut rtrules = String::new();
        for _ in 0..1 + rng.below(3) {
            let source = *rng.pick(&[
                "-",
                "2001:db8:1::/64",
                "eth2",
                "&eth0",
                "eth1:[2001:db8:3::/64]",
            ]);
            let dest = *rng.pick(&["-", "2001:db8:2::/64", "2001:db8::zz"]);
            let provider = *rng.pick(&["isp1", "2", "main", "local", "isp9"]);
            let priority = *rng.pick(&["1000", "1001!", "0", "20000"]);
            let mark = *rng.pick(&["", "", "\t0x1", "\t0x1ff"]);
            let (dest, provider, priority, mark) = if valid {
                let dest = if dest == "2001:db8::zz" { "-" } else { dest };
                let dest = if source == "-" && dest == "-" {
                    "2001:db8:2::/64"
                } else {
                    dest
                };
                let provider = if matches!(provider, "local" | "isp9" | "2") {
                    "main"
                } else {
                    provider
                };
                let priority = if priority == "0" { "1002" } else { priority };
                let mark = if mark == "\t0x1ff" { "" } else { mark };
                (dest, provider, priority, mark)
            } else {
                (dest, provider, priority, mark)
            };
            rtrules.push_str(&format!("{source}\t{dest}\t{provider}\t{priority}{mark}\n"));
        }
        files.insert("rtrules".to_owned(), rtrules);
    }
    if rng.chance(40) {
        let mut routes = String::new();
        for n in 0..1 + rng.below(3) {
            let provider = *rng.pick(&["isp1", "main", "2", "isp9"]);
            let gateway = *rng.pick(&["-", "2001:db8::1", "blackhole"]);
            let device = *rng.pick(&["", "\teth0", "\t-\tpersistent"]);
            let (provider, device) = if valid {
                (
                    if provider == "isp9" || provider == "2" {
                        "isp1"
                    } else {
                        provider
                    },
                    "\teth0",
                )
            } else {
                (provider, device)
            };
            let device = if gateway == "blackhole" && valid {
                ""
            } else {
                device
            };
            routes.push_str(&format!(
                "{provider}\t2001:db8:{:x}::/64\t{gateway}{device}\n",
                0x50 + n % 2
            ));
        }
        files.insert("routes".to_owned(), routes);
    }
    let mut conf = String::new();
    for (percent, line) in [
        (20, "TRACK_PROVIDERS=No\n"),
        (20, "RESTORE_ROUTEMARKS=No\n"),
        (20, "ZERO_MARKS=Yes\n"),
        (10, "TC_EXPERT=Yes\n"),
        (if valid { 0 } else { 10 }, "USE_DEFAULT_RT=Yes\n"),
        (15, "PROVIDER_OFFSET=16\n"),
        (10, "PROVIDER_BITS=4\n"),
    ] {
        if rng.chance(percent) {
            conf.push_str(line);
        }
    }
    if let Some(it) = files.get_mut("shorewall6.conf") {
        it.push_str(&conf);
    }
}

/// Audited rules, policies and dispositions; HELPER rules and zone-based conntrack entries;
/// ipsec zones and hosts with zone options; DNAT and REDIRECT with a parameter.
fn audit_helper_ipsec(rng: &mut Rng, zones: &[Zone], files: &mut BTreeMap<String, String>) {
    let zone = |rng: &mut Rng| zones[rng.below(zones.len())].name;
    let mut rules = String::new();
    let mut conf = String::new();
    if rng.chance(40) {
        for _ in 0..1 + rng.below(4) {
            let action = *rng.pick(&[
                "A_ACCEPT",
                "A_DROP",
                "A_DROP:info",
                "A_ACCEPT!",
                "AUDIT",
                "AUDIT(accept)",
                "AUDIT(reject):info",
                "SSH(A_ACCEPT)",
                "Invalid(DROP,audit)",
            ]);
            let (source, dest) = (zone(rng), zone(rng));
            let port = 1000 + rng.below(100);
            if action.contains('(') && !action.starts_with("AUDIT") {
                rules.push_str(&format!("{action}\t{source}\t{dest}\n"));
            } else {
                rules.push_str(&format!("{action}\t{source}\t{dest}\ttcp\t{port}\n"));
            }
        }
        if let Some(policy) = files.get_mut("policy") {
            if rng.chance(50) {
                *policy = policy.replacen("\tDROP", "\tDROP:audit", 1);
            }
            if rng.chance(50) {
                *policy = policy.replacen("\tACCEPT", "\tACCEPT:audit", 1);
            }
        }
        for (name, values) in [
            ("SFILTER_DISPOSITION", &["A_DROP", "A_REJECT"][..]),
            ("TCP_FLAGS_DISPOSITION", &["A_DROP", "A_REJECT"][..]),
            ("SMURF_DISPOSITION", &["A_DROP"][..]),
            ("RELATED_DISPOSITION", &["A_ACCEPT", "A_DROP"][..]),
            ("INVALID_DISPOSITION", &["A_DROP", "A_REJECT"][..]),
            ("BLACKLIST_DISPOSITION", &["A_DROP"][..]),
        ] {
            if rng.chance(30) {
                conf.push_str(&format!("{name}={}\n", rng.pick(values)));
            }
        }
    }
    if rng.chance(40) {
        for _ in 0..1 + rng.below(3) {
            let (action, proto, port, helper) = *rng.pick(&[
                ("HELPER", "tcp", "21", "ftp"),
                ("ACCEPT", "tcp", "2121", "ftp"),
                ("ACCEPT", "udp", "69", "tftp"),
                ("ACCEPT:info", "udp", "5060", "sip"),
                ("HELPER", "udp", "10080", "amanda"),
            ]);
            let (source, dest) = (zone(rng), zone(rng));
            rules.push_str(&format!(
                "{action}\t{source}\t{dest}\t{proto}\t{port} {{ helper={helper} }}\n"
            ));
        }
        if let Some(conntrack) = files.get_mut("conntrack") {
            if rng.chance(50) {
                let source = zone(rng);
                let format = *rng.pick(&["?FORMAT 1\n", "?FORMAT 2\nNOTRACK\t"]);
                conntrack.push_str(&format!("{format}{source}\t-\tudp\t53\n"));
            }
        }
    }
    if rng.chance(30) {
        let hosted: Vec<&Zone> = zones.iter().filter(|it| it.hosts.is_some()).collect();
        if !hosted.is_empty() {
            let target = hosted[rng.below(hosted.len())].name;
            if rng.chance(50) {
                let options = *rng.pick(&[
                    "",
                    "\tmode=tunnel,proto=esp",
                    "\t-\treqid=5\tspi=0x100,strict",
                    "\tmss=1400",
                ]);
                if let Some(zones_text) = files.get_mut("zones") {
                    let at = zones_text.find(&format!("\n{target}")).unwrap_or(0);
                    if let Some(end) = zones_text[at + 1..].find('\n') {
                        let line = zones_text[at + 1..at + 1 + end].to_owned();
                        let new = line.replacen("ipv6", "ipsec", 1) + options;
                        *zones_text = zones_text.replacen(&line, &new, 1);
                    }
                }
            } else if let Some(hosts) = files.get_mut("hosts") {
                let at = hosts.find(&format!("\n{target}\t")).unwrap_or(0);
                if let Some(end) = hosts[at + 1..].find('\n') {
                    let line = hosts[at + 1..at + 1 + end].to_owned();
                    let new = if line.matches('\t').count() >= 2 {
                        format!("{line},ipsec")
                    } else {
                        format!("{line}\tipsec")
                    };
                    *hosts = hosts.replacen(&line, &new, 1);
                }
            }
        }
    }
    if rng.chance(20) {
        let (source, dest) = (zone(rng), zone(rng));
        let line = *rng.pick(&[
            "DNAT(x)\t{s}\t{d}:[2001:db8:ff::9]:80\ttcp\t8080\n",
            "REDIRECT(x)\t{s}\t3128\ttcp\t80\n",
        ]);
        rules.push_str(&line.replace("{s}", source).replace("{d}", dest));
    }
    if let Some(text) = files.get_mut("rules") {
        text.push_str(&rules);
    }
    if let Some(text) = files.get_mut("shorewall6.conf") {
        text.push_str(&conf);
    }
}

/// A mangle file: marks, CLASSIFY, HL, in the chains the designators and `$FW` choose.
/// Mangle records with the actions, designators and columns of seed 5800 on, a few wrong.
fn mangle_more(rng: &mut Rng) -> String {
    let mut out = String::new();
    for _ in 0..1 + rng.below(5) {
        let action = *rng.pick(&[
            "TPROXY(3128)",
            "TPROXY(3129,[2001:db8::1])",
            "TPROXY",
            "TPROXY(99999)",
            "DIVERT",
            "DIVERTHA",
            "TOS(0x10)",
            "TOS(Minimize-Delay)",
            "TOS(0x10/0x3f)",
            "TOS(0x100)",
            "IPMARK",
            "TTL(5)",
            "MARK(2)",
            "CONNMARK(3)",
            "SAVE",
            "RESTORE(0xf)",
            "MARK(1-3)",
        ]);
        let designator = if rng.chance(40) {
            *rng.pick(&[":R", ":NP", ":NI", ":NO", ":NT", ":P", ":F", ":T", ":O"])
        } else {
            ""
        };
        let source = *rng.pick(&[
            "-",
            "-",
            "2001:db8:1::/64",
            "2001:db8::/64!2001:db8::5",
            "$FW",
        ]);
        let (proto, port) = *rng.pick(&[("tcp", "80"), ("tcp", "443"), ("udp", "53"), ("-", "-")]);
        let tos = *rng.pick(&["-", "-", "-", "0x10", "Minimize-Cost", "0x10/0x01", "0x100"]);
        let helper = *rng.pick(&["-", "-", "-", "ftp", "bogus"]);
        let mut columns = vec![
            format!("{action}{designator}"),
            source.to_owned(),
            "-".to_owned(),
            proto.to_owned(),
            port.to_owned(),
        ];
        if tos != "-" || helper != "-" {
            columns.extend(["-", "-", "-", "-", tos, "-", helper].map(str::to_owned));
        }
        while columns.last().is_some_and(|it| it == "-") {
            columns.pop();
        }
        out.push_str(&columns.join("\t"));
        out.push('\n');
    }
    out
}

fn mangle_file(rng: &mut Rng, zones: &[Zone]) -> String {
    let ifaces = zone_interfaces(zones);
    let mut out = String::new();
    for _ in 0..1 + rng.below(6) {
        let action = *rng.pick(&[
            "MARK(1)",
            "MARK(|0x2)",
            "MARK(&0xfd)",
            "MARK(3/0xff)",
            "CONNMARK(4)",
            "SAVE",
            "RESTORE",
            "SAVE(0x0f)",
            "CLASSIFY(1:10)",
            "CONTINUE",
            "HL(+1)",
            "HL(64)",
        ]);
        let designator = if rng.chance(25) {
            *rng.pick(&[":P", ":F", ":T", ":O", ":I"])
        } else {
            ""
        };
        let iface = *rng.pick(&ifaces);
        let source = match rng.below(8) {
            0 => "$FW".to_owned(),
            1 => "2001:db8:1::/64".to_owned(),
            2 => iface.to_owned(),
            _ => "-".to_owned(),
        };
        let dest = match rng.below(8) {
            0 if source != "$FW" => "$FW".to_owned(),
            1 => "2001:db8:2::/64".to_owned(),
            2 => iface.to_owned(),
            _ => "-".to_owned(),
        };
        let (proto, port) = *rng.pick(&[("-", "-"), ("-", "-"), ("tcp", "80"), ("udp", "53")]);
        let mut columns: Vec<String> = vec![
            format!("{action}{designator}"),
            source.clone(),
            dest,
            proto.to_owned(),
            port.to_owned(),
            "-".to_owned(),
        ];
        let mut extra: Vec<&str> = vec!["-"; 11];
        if source == "$FW" && rng.chance(30) {
            extra[0] = "root";
        }
        if rng.chance(20) {
            extra[1] = *rng.pick(&["0x1", "!0/0xff", "1:C"]);
        }
        if rng.chance(10) {
            extra[9] = *rng.pick(&["NEW", "ESTABLISHED,RELATED"]);
        }
        columns.extend(extra.iter().map(|it| it.to_string()));
        while columns.last().is_some_and(|it| it == "-") {
            columns.pop();
        }
        out.push_str(&columns.join("\t"));
        out.push('\n');
    }
    out
}

/// The interfaces of the zones that own a whole interface.
fn zone_interfaces(zones: &[Zone]) -> Vec<&'static str> {
    zones
        .iter()
        .filter(|it| it.hosts.is_none())
        .map(|it| it.iface)
        .collect()
}

/// A snat file (or the same records in the old masq format).
fn snat_file(rng: &mut Rng, zones: &[Zone], masq: bool) -> String {
    let ifaces = zone_interfaces(zones);
    let mut out = String::new();
    for _ in 0..1 + rng.below(5) {
        let iface = *rng.pick(&ifaces);
        let (action, address, proto, port) = *rng.pick(&[
            ("MASQUERADE", "-", "-", "-"),
            ("MASQUERADE", "-", "tcp", "80,443"),
            ("MASQUERADE(random)", "random", "-", "-"),
            ("MASQUERADE(1024-2048)", "-", "udp", "53"),
            ("SNAT(2001:db8::1)", "2001:db8::1", "-", "-"),
            (
                "SNAT(2001:db8::2:persistent)",
                "2001:db8::2:persistent",
                "-",
                "-",
            ),
            (
                "SNAT([2001:db8::3]:2000-3000)",
                "[2001:db8::3]:2000-3000",
                "tcp",
                "-",
            ),
            (
                "SNAT(2001:db8::4-2001:db8::8)",
                "2001:db8::4-2001:db8::8",
                "tcp,udp",
                "53",
            ),
            ("CONTINUE", "NONAT", "-", "-"),
            ("MASQUERADE:info", "-", "-", "-"),
        ]);
        let source = rng
            .pick(&[
                "-",
                "2001:db8:10::/64",
                "2001:db8:11::/64,2001:db8:12::/64",
                "2001:db8::/32!2001:db8:13::/48",
                "!2001:db8:14::/48",
            ])
            .to_string();
        let dest = match rng.below(8) {
            0 => format!("{iface}:2001:db8:ff::/48"),
            1 if ifaces.len() > 1 => format!("{},{}", ifaces[0], ifaces[1]),
            _ => iface.to_owned(),
        };
        let mut extra: Vec<&str> = vec!["-"; 5];
        if rng.chance(10) {
            extra[0] = *rng.pick(&["yes", "no", "mode=tunnel"]);
        }
        if rng.chance(10) {
            extra[1] = *rng.pick(&["1", "0x10/0xf0"]);
        }
        if rng.chance(8) {
            extra[4] = "2001:db8:fe::1";
        }
        let pre = if !masq && rng.chance(10) { "+" } else { "" };
        let mut columns = if masq {
            if action.ends_with(":info") {
                continue;
            }
            let pre = if rng.chance(10) { "+" } else { "" };
            vec![format!("{pre}{dest}"), source, address.to_owned()]
        } else {
            let action = match action.split_once('(') {
                Some((name, rest)) => format!("{name}{pre}({rest}"),
                None if action.contains(':') => action.to_owned(),
                None => format!("{action}{pre}"),
            };
            vec![action, source, dest]
        };
        columns.push(proto.to_owned());
        columns.push(port.to_owned());
        columns.extend(extra.iter().map(|it| it.to_string()));
        while columns.last().is_some_and(|it| it == "-") {
            columns.pop();
        }
        out.push_str(&columns.join("\t"));
        out.push('\n');
    }
    out
}

/// DNAT and REDIRECT rules (for the end of the rules file, in the NEW section).
fn nat_rules(rng: &mut Rng, zones: &[Zone]) -> String {
    let mut out = String::new();
    for _ in 0..1 + rng.below(4) {
        let zone = zones[rng.below(zones.len())].name;
        let other = zones[rng.below(zones.len())].name;
        let source = match rng.below(8) {
            0 => "all".to_owned(),
            1 => "$FW".to_owned(),
            2 => format!("{zone}:2001:db8:{:x}::/64", 20 + rng.below(10)),
            _ => zone.to_owned(),
        };
        let level = if rng.chance(15) { ":info" } else { "" };
        let line = match rng.below(7) {
            0 => format!("REDIRECT{level}	{source}	3128	tcp	80"),
            1 => format!("REDIRECT-	{source}	53	udp	53"),
            2 => format!(
                "DNAT-	{source}	{other}:[2001:db8:ff::{:x}]:25	tcp	2525",
                rng.below(99)
            ),
            3 => format!(
                "HTTP(DNAT){level}	{source}	{other}:[2001:db8:ff::{:x}]",
                rng.below(99)
            ),
            4 => format!(
                "DNAT{level}	{source}	{other}:[2001:db8:ff::{:x}]:8000-8010	tcp	8000:8010",
                rng.below(99)
            ),
            5 => format!(
                "DNAT	{source}	{other}:[2001:db8:ff::{:x}]:22	tcp	2222	-	2001:db8:fe::1",
                rng.below(99)
            ),
            _ => format!(
                "DNAT{level}	{source}	{other}:[2001:db8:ff::{:x}]	udp	53,123",
                rng.below(99)
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A conntrack file in `?FORMAT 3`.
fn conntrack_file(rng: &mut Rng, zones: &[Zone]) -> String {
    let mut out = String::from("?FORMAT 3\n#ACTION\tSOURCE\tDEST\tPROTO\tDPORT\tSPORT\tUSER\n");
    let ifaces: Vec<&str> = zones
        .iter()
        .filter(|it| it.hosts.is_none())
        .map(|it| it.iface)
        .collect();
    for _ in 0..1 + rng.below(5) {
        let (action, proto, dport) = *rng.pick(&[
            ("CT:helper:ftp", "tcp", "21"),
            ("CT:helper:tftp", "udp", "69"),
            ("CT:helper:sip", "udp", "5060"),
            ("CT:helper:sane", "tcp", "6566"),
            ("CT:helper:amanda", "udp", "10080"),
            ("CT:helper:ftp(expevents=new)", "tcp", "2121"),
            ("NOTRACK", "udp", "53"),
            ("CT:notrack", "tcp,udp", "123"),
            ("CT:notrack", "ipv6-icmp", "-"),
            ("DROP", "tcp", "23"),
            ("CT:ctevents:new,destroy", "tcp", "80"),
            ("CT:expevents:new", "tcp:all", "21"),
            ("LOG:info", "udp", "161"),
        ]);
        let suffix = *rng.pick(&["", "", ":P", ":O", ":OP"]);
        let level = if action.starts_with("CT:helper") && rng.chance(15) {
            ":info"
        } else {
            ""
        };
        let output = suffix == ":O" || suffix == ":OP";
        let source = if output || rng.chance(50) {
            "-".to_owned()
        } else if rng.chance(50) {
            rng.pick(&ifaces).to_string()
        } else {
            format!("{}:[2001:db8:{:x}::/64]", rng.pick(&ifaces), rng.below(200))
        };
        let dest = if rng.chance(70) {
            "-".to_owned()
        } else {
            "2001:db8:ff::/48".to_owned()
        };
        out.push_str(&format!(
            "{action}{level}{suffix}\t{source}\t{dest}\t{proto}\t{dport}\n"
        ));
    }
    out
}

fn gen_zones(rng: &mut Rng) -> Vec<Zone> {
    let mut zones = vec![Zone {
        name: "net",
        parent: None,
        iface: "eth0",
        hosts: None,
    }];
    let extra = rng.below(3) + 1;
    let names = ["loc", "dmz", "srv"];
    for (idx, name) in names.iter().take(extra).enumerate() {
        zones.push(Zone {
            name,
            parent: None,
            iface: IFACES[idx + 1],
            hosts: None,
        });
    }
    // A nested zone: part of an interface zone's network.
    if rng.chance(35) {
        let parent = zones[1 + rng.below(zones.len() - 1)].name;
        let iface = zones
            .iter()
            .find(|it| it.name == parent)
            .map_or("eth1", |it| it.iface);
        zones.push(Zone {
            name: "adm",
            parent: Some(parent),
            iface,
            hosts: Some(format!("{iface}:[2001:db8:1::/64]")),
        });
    }
    // A host zone without parent, on one or two interfaces.
    if rng.chance(30) {
        let iface = IFACES[rng.below(2)];
        let nets = if rng.chance(50) {
            "<2001:db8:5::/64,2001:db8:6::/64>"
        } else {
            "[2001:db8:7::/64]"
        };
        let options = if rng.chance(30) { "\trouteback" } else { "" };
        zones.push(Zone {
            name: "vpn",
            parent: None,
            iface,
            hosts: Some(format!("{iface}:{nets}{options}")),
        });
    }
    zones
}

fn zones_file(zones: &[Zone]) -> String {
    let mut out = String::from("#ZONE\tTYPE\tOPTIONS\nfw\tfirewall\n");
    for zone in zones {
        match zone.parent {
            Some(parent) => out.push_str(&format!("{}:{parent}\tipv6\n", zone.name)),
            None => out.push_str(&format!("{}\tipv6\n", zone.name)),
        }
    }
    out
}

fn interfaces_file(rng: &mut Rng, zones: &[Zone]) -> String {
    let mut out = String::from("?FORMAT 2\n#ZONE\tINTERFACE\tOPTIONS\n");
    let choices = [
        "tcpflags",
        "nosmurfs",
        "routeback",
        "sfilter=2001:db8:dead::/48",
        "dhcp",
        "forward=1",
        "optional",
        "rpfilter",
        "mss=1400",
        "accept_ra=1",
        "nosmurfs,tcpflags",
    ];
    for zone in zones.iter().filter(|it| it.hosts.is_none()) {
        let mut options: Vec<&str> = Vec::new();
        for _ in 0..rng.below(3) {
            let option = *rng.pick(&choices);
            let filters = ["rpfilter", "sfilter=2001:db8:dead::/48"];
            let exclusive =
                filters.contains(&option) && options.iter().any(|it| filters.contains(it));
            if !options.contains(&option) && !exclusive {
                options.push(option);
            }
        }
        let options = if options.is_empty() {
            "-".to_owned()
        } else {
            options.join(",")
        };
        out.push_str(&format!("{}\t{}\t{options}\n", zone.name, zone.iface));
    }
    out
}

fn hosts_file(zones: &[Zone]) -> Option<String> {
    let lines: Vec<String> = zones
        .iter()
        .filter_map(|zone| Some(format!("{}\t{}\n", zone.name, zone.hosts.as_ref()?)))
        .collect();
    (!lines.is_empty()).then(|| format!("#ZONE\tHOSTS\tOPTIONS\n{}", lines.concat()))
}

const LEVELS: [&str; 6] = ["info", "notice", "warning", "debug", "NFLOG(3)", "err"];

fn policy_file(rng: &mut Rng, zones: &[Zone]) -> String {
    let mut out = String::from("#SOURCE\tDEST\tPOLICY\tLOGLEVEL\tRATE\tCONNLIMIT\n");
    let names: Vec<&str> = zones.iter().map(|it| it.name).collect();
    let mut lines: Vec<String> = Vec::new();
    // Some specific pairs first.
    for _ in 0..rng.below(4) {
        let source = if rng.chance(25) {
            "$FW"
        } else {
            *rng.pick(&names)
        };
        let dest = if rng.chance(20) {
            "all".to_owned()
        } else if rng.chance(15) && source != "$FW" {
            "$FW".to_owned()
        } else {
            (*rng.pick(&names)).to_owned()
        };
        if source == dest {
            continue;
        }
        let line_start = format!("{source}\t{dest}\t");
        if lines.iter().any(|it| it.starts_with(&line_start)) {
            continue;
        }
        let policy = *rng.pick(&["ACCEPT", "DROP", "REJECT", "CONTINUE", "ACCEPT", "DROP"]);
        let level = if rng.chance(40) {
            *rng.pick(&LEVELS)
        } else {
            "-"
        };
        let mut line = format!("{line_start}{policy}\t{level}");
        if policy == "ACCEPT" && rng.chance(15) {
            line.push_str("\ts:20/sec:40");
        } else if policy == "ACCEPT" && rng.chance(10) {
            line.push_str("\t-\t50");
        }
        lines.push(line);
    }
    let taken = |lines: &[String], start: &str| lines.iter().any(|it| it.starts_with(start));
    if rng.chance(70) && !taken(&lines, "$FW\tall\t") {
        lines.push(format!(
            "$FW\tall\t{}",
            rng.pick(&["ACCEPT", "ACCEPT", "REJECT\tinfo"])
        ));
    }
    if rng.chance(60) && !taken(&lines, "net\tall\t") {
        lines.push(format!(
            "net\tall\t{}",
            rng.pick(&[
                "DROP\tinfo",
                "DROP",
                "REJECT\twarning",
                "DROP:Broadcast\tinfo"
            ])
        ));
    }
    lines.push(format!(
        "all\tall\t{}",
        rng.pick(&["REJECT\tinfo", "REJECT", "DROP\tinfo", "DROP"])
    ));
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// SOURCE or DEST of a rule.
fn endpoint(rng: &mut Rng, zones: &[Zone], params: bool, fw_ok: bool) -> String {
    let zone = zones[rng.below(zones.len())].name;
    match rng.below(20) {
        0 | 1 if fw_ok => "$FW".to_owned(),
        2 => "all".to_owned(),
        3 => format!("{zone}:2001:db8:{:x}::/64", 10 + rng.below(50)),
        4 => format!("{zone}:<2001:db8:a::1,2001:db8:b::/64>"),
        5 => format!("{zone}:!2001:db8:c::/64"),
        6 if params => format!("{zone}:$NETA"),
        7 if params => format!("{zone}:[$HOSTB]"),
        8 => "any".to_owned(),
        9 => format!("{zone}:2001:db8::1-2001:db8::9"),
        10 => format!("all!{zone}"),
        11 => {
            let other = zones[rng.below(zones.len())].name;
            if other == zone {
                zone.to_owned()
            } else {
                format!("{zone},{other}")
            }
        }
        12 => "all+".to_owned(),
        _ => zone.to_owned(),
    }
}

/// A rule with its columns after ACTION: `(proto, dport, sport)`.
fn ports(rng: &mut Rng) -> (String, String, String) {
    match rng.below(14) {
        0 | 1 => ("-".into(), "-".into(), "-".into()),
        2 => ("udp".into(), "53".into(), "-".into()),
        3 => ("tcp,udp".into(), "53".into(), "-".into()),
        4 => (
            "ipv6-icmp".into(),
            rng.pick(&["echo-request", "128", "-", "1"]).to_string(),
            "-".into(),
        ),
        5 => ("tcp".into(), "1000:2000".into(), "-".into()),
        6 => ("tcp".into(), "ssh,http,https".into(), "-".into()),
        7 => (
            "tcp".into(),
            "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18".into(),
            "-".into(),
        ),
        8 => ("udp".into(), "-".into(), "1024:".into()),
        9 => ("tcp".into(), "25".into(), "1024:65535".into()),
        10 => ("6".into(), "8080".into(), "-".into()),
        11 => ("tcp".into(), "!22".into(), "-".into()),
        12 => ("41".into(), "-".into(), "-".into()),
        _ => (
            "tcp".into(),
            rng.pick(&["22", "80", "443", "8000-8100"]).to_string(),
            "-".into(),
        ),
    }
}

const MACROS: [&str; 12] = [
    "SSH", "DNS", "Ping", "HTTP", "HTTPS", "Web", "NTP", "SMTP", "IMAP", "Trcrt", "POP3", "Rsync",
];

fn rule_line(rng: &mut Rng, zones: &[Zone], params: bool, section: &str) -> String {
    let source = endpoint(rng, zones, params, true);
    let dest = endpoint(rng, zones, params, source != "$FW");
    let disposition = *rng.pick(&["ACCEPT", "DROP", "REJECT", "ACCEPT", "ACCEPT"]);
    let level = if rng.chance(20) {
        format!(":{}", rng.pick(&LEVELS))
    } else {
        String::new()
    };
    let mut may_limit = disposition == "ACCEPT";
    let (action, free_ports) = match rng.below(20) {
        0..=4 => (
            format!("{}({disposition}){level}", rng.pick(&MACROS)),
            rng.chance(10),
        ),
        5 => (format!("{disposition}!"), true),
        6 if section != "NEW" && section != "ALL" => (format!("{disposition}{level}"), true),
        6 => ("CONTINUE".to_owned(), true),
        7 => (
            format!("LOG:{}", rng.pick(&["info", "debug", "warning:tag"])),
            true,
        ),
        8 => {
            may_limit = false;
            (
                rng.pick(&[
                    "dropInvalid",
                    "Invalid(DROP)",
                    "NotSyn(DROP)",
                    "Broadcast(DROP)",
                    "Multicast(ACCEPT)",
                    "AllowICMPs",
                    "DropSmurfs",
                    "TCPFlags",
                    "dropNotSyn",
                    "DropDNSrep",
                    "RST(ACCEPT)",
                    "allowInvalid",
                ])
                .to_string(),
                false,
            )
        }
        9 => ("NFQUEUE(2)".to_owned(), true),
        10 => ("REJECT:info:badguys".to_owned(), true),
        11 => ("REJECT(icmp6-adm-prohibited)".to_owned(), true),
        _ => (format!("{disposition}{level}"), true),
    };
    if action.starts_with("REJECT") || action.starts_with("DROP") {
        may_limit = false;
    }
    let (proto, dport, sport) = if free_ports && !action.contains('(') {
        ports(rng)
    } else if free_ports {
        ("tcp".into(), "2222".into(), "-".into())
    } else {
        ("-".into(), "-".into(), "-".into())
    };
    let mut columns = vec![action, source.clone(), dest, proto.clone(), dport, sport];
    let mut extra: Vec<String> = vec!["-".into(); 7];
    if may_limit && rng.chance(15) {
        extra[1] = rng
            .pick(&[
                "3/min:5",
                "s:sshlimit:3/min:5",
                "10/sec",
                "d:web:100/sec:200",
            ])
            .to_string();
    }
    if source == "$FW" && rng.chance(30) {
        extra[2] = rng.pick(&["root", ":adm", "1000", "!root"]).to_string();
    }
    if rng.chance(8) {
        extra[3] = rng.pick(&["0x1", "!0x2/0xff", "0x10/0xf0"]).to_string();
    }
    if rng.chance(6) && section == "NEW" {
        extra[4] = rng.pick(&["10", "!5", "4:64"]).to_string();
    }
    if rng.chance(6) {
        extra[5] = rng
            .pick(&[
                "timestart=08:00&timestop=17:00",
                "weekdays=Mon,Tue&utc",
                "timestart=22:00",
            ])
            .to_string();
    }
    if rng.chance(4) && proto == "-" {
        extra[6] = rng.pick(&["auth", "!frag", "exactly:hop,dst"]).to_string();
    }
    let last = extra.iter().rposition(|it| it != "-");
    if let Some(last) = last {
        columns.extend(extra.into_iter().take(last + 1));
    }
    while columns.len() > 3 && columns.last().is_some_and(|it| it == "-") {
        columns.pop();
    }
    columns.join("\t")
}

fn rules_file(rng: &mut Rng, zones: &[Zone], params: bool, fastaccept: bool) -> String {
    let mut out = String::from("#ACTION\tSOURCE\tDEST\tPROTO\tDPORT\tSPORT\tORIGDEST\tRATE\tUSER\tMARK\tCONNLIMIT\tTIME\tHEADERS\n");
    let sections = [
        "ALL",
        "ESTABLISHED",
        "RELATED",
        "INVALID",
        "UNTRACKED",
        "NEW",
    ];
    let use_sections = rng.chance(60);
    for section in sections {
        let forbidden = fastaccept && (section == "ESTABLISHED" || section == "RELATED");
        let count = if section == "NEW" {
            2 + rng.below(12)
        } else if use_sections && !forbidden && rng.chance(30) {
            1 + rng.below(3)
        } else {
            0
        };
        if count == 0 && section != "NEW" {
            continue;
        }
        if use_sections {
            out.push_str(&format!("?SECTION {section}\n"));
        }
        for _ in 0..count {
            if rng.chance(8) {
                out.push_str(&format!("?COMMENT rule group {}\n", rng.below(100)));
            } else if rng.chance(4) {
                out.push_str("?COMMENT\n");
            }
            out.push_str(&rule_line(rng, zones, params, section));
            out.push('\n');
        }
    }
    out
}

fn conf_file(rng: &mut Rng) -> String {
    let mut out = String::from("# generated\n");
    fn set(out: &mut String, rng: &mut Rng, percent: usize, name: &str, values: &[&str]) {
        if rng.chance(percent) {
            out.push_str(&format!("{name}={}\n", rng.pick(values)));
        }
    }
    set(
        &mut out,
        rng,
        70,
        "OPTIMIZE",
        &["0", "1", "2", "3", "4", "8", "16", "31", "All", "20", "12"],
    );
    set(
        &mut out,
        rng,
        40,
        "LOGFORMAT",
        &["\"%s %s \"", "\"Shorewall:%s:%s:\"", "\"fw:%s:%s \""],
    );
    set(
        &mut out,
        rng,
        30,
        "LOGLIMIT",
        &["\"s:1/sec:10\"", "5/min:3", "\"d:2/sec:4\""],
    );
    set(&mut out, rng, 30, "LOG_LEVEL", &["info", "notice"]);
    set(
        &mut out,
        rng,
        40,
        "DROP_DEFAULT",
        &[
            "\"AllowICMPs,Broadcast(DROP),Multicast(DROP)\"",
            "none",
            "AllowICMPs",
        ],
    );
    set(
        &mut out,
        rng,
        30,
        "REJECT_DEFAULT",
        &["\"AllowICMPs,Broadcast(DROP),Multicast(DROP)\"", "none"],
    );
    set(&mut out, rng, 25, "FASTACCEPT", &["Yes", "No"]);
    set(&mut out, rng, 30, "EXPAND_POLICIES", &["Yes", "No"]);
    set(&mut out, rng, 15, "ZONE2ZONE", &["2", "-"]);
    set(&mut out, rng, 20, "TCP_FLAGS_LOG_LEVEL", &["info", "\"\""]);
    set(
        &mut out,
        rng,
        20,
        "SFILTER_LOG_LEVEL",
        &["info", "\"\"", "notice"],
    );
    set(&mut out, rng, 15, "SMURF_LOG_LEVEL", &["info", "\"\""]);
    set(
        &mut out,
        rng,
        15,
        "RELATED_DISPOSITION",
        &["ACCEPT", "DROP", "REJECT"],
    );
    set(&mut out, rng, 10, "RELATED_LOG_LEVEL", &["info"]);
    set(
        &mut out,
        rng,
        15,
        "INVALID_DISPOSITION",
        &["CONTINUE", "DROP"],
    );
    set(&mut out, rng, 10, "INVALID_LOG_LEVEL", &["info"]);
    set(
        &mut out,
        rng,
        10,
        "UNTRACKED_DISPOSITION",
        &["CONTINUE", "ACCEPT", "DROP"],
    );
    set(&mut out, rng, 20, "AUTOCOMMENT", &["Yes", "No"]);
    set(&mut out, rng, 15, "IMPLICIT_CONTINUE", &["Yes", "No"]);
    set(&mut out, rng, 15, "DYNAMIC_BLACKLIST", &["Yes", "No"]);
    set(
        &mut out,
        rng,
        15,
        "BLACKLIST",
        &["\"NEW,INVALID,UNTRACKED\"", "ALL", "NEW"],
    );
    set(&mut out, rng, 15, "MANGLE_ENABLED", &["Yes", "No"]);
    set(&mut out, rng, 10, "CLAMPMSS", &["Yes", "1300"]);
    set(&mut out, rng, 15, "LOG_ZONE", &["Both", "Src", "Dst"]);
    set(&mut out, rng, 10, "RENAME_COMBINED", &["No"]);
    let mangle_off = out.contains("MANGLE_ENABLED=No");
    set(
        &mut out,
        rng,
        10,
        "FORWARD_CLEAR_MARK",
        if mangle_off { &["No"] } else { &["Yes", "No"] },
    );
    set(&mut out, rng, 10, "COMPLETE", &["No"]);
    set(&mut out, rng, 10, "TRACK_RULES", &["No"]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_names_one_configuration() {
        assert_eq!(generate(7), generate(7));
        assert_ne!(config_hash(&generate(7)), config_hash(&generate(8)));
        let files = generate(7);
        assert!(files.contains_key("zones") && files.contains_key("rules"));
    }
}
