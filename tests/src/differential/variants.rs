//! The variants: realistic lines of every column form of shorewall-rules(5) and
//! shorewall6-rules(5) 5.x, valid and not, one column changed at a time, in pairs of columns
//! that interact, in random combinations (a fixed seed), and the other files' lines (zones,
//! interfaces, hosts, policy, params, shorewall.conf, actions, macros), plus the directives.
//! Deterministic: the same list every time.

use super::{Base, Edit, Op, Variant};

/// The forms of each rules column for one family.
struct Forms {
    action: &'static [&'static str],
    zone: &'static [&'static str],
    source: &'static [&'static str],
    dest: &'static [&'static str],
    proto: &'static [&'static str],
    dport: &'static [&'static str],
    sport: &'static [&'static str],
    icmp: &'static [&'static str],
    origdest: &'static [&'static str],
    rate: &'static [&'static str],
    user: &'static [&'static str],
    mark: &'static [&'static str],
    connlimit: &'static [&'static str],
    time: &'static [&'static str],
    headers: &'static [&'static str],
    switch: &'static [&'static str],
    helper: &'static [&'static str],
}

const ACTIONS: &[&str] = &[
    "ACCEPT",
    "DROP",
    "REJECT",
    "CONTINUE",
    "ACCEPT+",
    "ACCEPT!",
    "DROP!",
    "REJECT!",
    "CONTINUE!",
    "A_ACCEPT",
    "A_DROP",
    "A_REJECT",
    "A_REJECT!",
    "A_ACCEPT+",
    "AUDIT",
    "AUDIT(accept)",
    "AUDIT(drop)",
    "AUDIT(reject)",
    "AUDIT(bogus)",
    "LOG",
    "LOG:info",
    "LOG:debug",
    "LOG:7",
    "LOG:bogus",
    "LOG:info:tag",
    "NFLOG",
    "NFLOG(1)",
    "NFLOG(1,0,1)",
    "NFLOG(1,2,3,4)",
    "NFLOG(bogus)",
    "NFLOG:info",
    "ULOG",
    "ULOG(1)",
    "QUEUE",
    "QUEUE!",
    "NFQUEUE",
    "NFQUEUE(3)",
    "NFQUEUE(0:3)",
    "NFQUEUE(3:1)",
    "NFQUEUE(bypass)",
    "NFQUEUE(3,bypass)",
    "NFQUEUE(3,bogus)",
    "NFQUEUE(70000)",
    "NFQUEUE!",
    "NFQUEUE!(3)",
    "REJECT(tcp-reset)",
    "REJECT(bogus)",
    "REJECT()",
    "DNAT",
    "DNAT-",
    "REDIRECT",
    "REDIRECT-",
    "NONAT",
    "COUNT",
    "TARPIT",
    "HELPER",
    "WHITELIST",
    "INLINE",
    "INLINE(ACCEPT)",
    "INLINE(DROP):info",
    "INLINE(SSH(ACCEPT))",
    "IP6TABLES(ACCEPT)",
    "IPTABLES(ACCEPT)",
    "IP6TABLES",
    "CONNMARK(1)",
    "MARK(1)",
    "ADD(myset,src)",
    "DEL(myset,dst)",
    "ADD",
    "ADD(myset)",
    "SSH(ACCEPT)",
    "SSH(DROP)",
    "SSH(REJECT)",
    "SSH(CONTINUE)",
    "SSH(LOG:info)",
    "SSH",
    "SSH/ACCEPT",
    "SSH/DROP:info",
    "SSH(ACCEPT):info",
    "SSH(ACCEPT:info)",
    "SSH(ACCEPT):info:tag",
    "SSH(ACCEPT):bogus",
    "SSH(FOO)",
    "SSH()",
    "SSH(PARAM)",
    "SSH(DNAT)",
    "SSH(ACCEPT+)",
    "SSH(A_ACCEPT)",
    "SSH(REJECT(tcp-reset))",
    "SSH(Invalid(DROP))",
    "DNS(ACCEPT)",
    "DNS(DROP)",
    "DNS",
    "Ping(ACCEPT)",
    "Ping(DROP)",
    "Web(ACCEPT)",
    "HTTP(ACCEPT)",
    "HTTPS(ACCEPT)",
    "SMTP(ACCEPT)",
    "SMTPS(ACCEPT)",
    "FTP(ACCEPT)",
    "NTP(ACCEPT)",
    "Rsync(ACCEPT)",
    "Git(ACCEPT)",
    "MySQL(ACCEPT)",
    "PostgreSQL(ACCEPT)",
    "SNMP(ACCEPT)",
    "Syslog(ACCEPT)",
    "Trcrt(ACCEPT)",
    "IPsec(ACCEPT)",
    "IPsecah(ACCEPT)",
    "Samba(ACCEPT)",
    "SMB(ACCEPT)",
    "BitTorrent(ACCEPT)",
    "HKP(ACCEPT)",
    "Jabber(ACCEPT)",
    "IMAP(ACCEPT)",
    "IMAPS(ACCEPT)",
    "POP3(ACCEPT)",
    "OpenVPN(ACCEPT)",
    "Webmin(ACCEPT)",
    "DHCPfwd(ACCEPT)",
    "DHCPv6(ACCEPT)",
    "mDNS(ACCEPT)",
    "MSSQL(ACCEPT)",
    "Squid(ACCEPT)",
    "VNC(ACCEPT)",
    "RDP(ACCEPT)",
    "Telnet(ACCEPT)",
    "TFTP(ACCEPT)",
    "SIP(ACCEPT)",
    "IRC(ACCEPT)",
    "LDAP(ACCEPT)",
    "Auth(REJECT)",
    "NNTP(ACCEPT)",
    "Amanda(ACCEPT)",
    "AllowICMPs",
    "AllowICMPs(ACCEPT)",
    "Invalid(DROP)",
    "Invalid",
    "Invalid(ACCEPT)",
    "Invalid(DROP):info",
    "Broadcast(DROP)",
    "Broadcast",
    "Broadcast(ACCEPT)",
    "Multicast(DROP)",
    "dropNotSyn",
    "dropNotSyn:info",
    "rejNotSyn",
    "dropInvalid",
    "allowInvalid",
    "dropBcast",
    "allowBcast",
    "dropMcast",
    "allowMcast",
    "DropSmurfs",
    "DropDNSrep",
    "DNSAmp",
    "DNSAmp(DROP)",
    "Drop",
    "Reject",
    "BLACKLIST",
    "Limit(SSH,3,60)",
    "Limit",
    "TCPFlags",
    "NotSyn(DROP)",
    "RST(DROP)",
    "FIN(DROP)",
    "Established",
    "Related",
    "New",
    "Untracked",
    "GlusterFS",
    "SetEvent(myevent)",
    "ResetEvent(myevent)",
    "IfEvent(myevent,ACCEPT,10,1)",
    "AutoBL(SSH)",
    "forwardUPnP",
    "allowinUPnP",
    "FOO",
    "FOO(ACCEPT)",
    "SHH(ACCEPT)",
    "accept",
    "Accept",
    "ACCEPT(x)",
    "DROP(x)",
    "ACCEPT:info",
    "ACCEPT:debug",
    "ACCEPT:notice",
    "ACCEPT:warning",
    "ACCEPT:warn",
    "ACCEPT:err",
    "ACCEPT:error",
    "ACCEPT:crit",
    "ACCEPT:alert",
    "ACCEPT:emerg",
    "ACCEPT:panic",
    "ACCEPT:0",
    "ACCEPT:7",
    "ACCEPT:8",
    "ACCEPT:bogus",
    "ACCEPT:INFO",
    "ACCEPT:Info",
    "ACCEPT:info!",
    "ACCEPT:none",
    "ACCEPT:none!",
    "ACCEPT:info:tag",
    "ACCEPT:info:toolongprefixxxxxxxxxxxxxxxxxxx",
    "ACCEPT:info:a-b_c",
    "ACCEPT:NFLOG",
    "ACCEPT:NFLOG(5)",
    "ACCEPT:NFLOG(5,0,1)",
    "ACCEPT:ULOG",
    "ACCEPT:LOGMARK",
    "ACCEPT:LOGMARK(info)",
    "ACCEPT:info(tcp_options)",
    "ACCEPT:info(tcp_options,ip_options)",
    "ACCEPT:info(bogus)",
    "ACCEPT:info:tag:extra",
    "ACCEPT::tag",
    "ACCEPT:",
    "ACCEPT:$LOG_LEVEL",
    "DROP:info",
    "DROP:debug:tag",
    "REJECT:info",
    "REJECT:warning",
    "CONTINUE:info",
    "QUEUE:info",
    "DNAT:info",
    "COUNT:info",
    "$NOPE",
    "ACCEPT:$NOPE",
];

/// Zone forms shared by SOURCE and DEST.
const ZONES: &[&str] = &[
    "net",
    "loc",
    "dmz",
    "$FW",
    "fw",
    "all",
    "all+",
    "all-",
    "all+-",
    "any",
    "any+",
    "all!net",
    "all!net,loc",
    "all+!dmz",
    "all!bogus",
    "all!fw",
    "net,loc",
    "net,loc,dmz",
    "net,bogus",
    "bogus",
    "NET",
    "Net",
    "-",
    "$NOPE",
    "ALL",
    "none",
    "none:eth0",
    "all*",
    "allx",
];

const SOURCES6: &[&str] = &[
    "net:eth0",
    "net:eth7",
    "net:eth+",
    "net:eth0:[2001:db8::1]",
    "net:eth0:<2001:db8::1>",
    "net:eth0:2001:db8::1",
    "net:eth0:[2001:db8::/32]",
    "net:eth0:[2001:db8::]/32",
    "net:<2001:db8::1>",
    "net:[2001:db8::1]",
    "net:2001:db8::1",
    "net:2001:db8::/32",
    "net:[2001:db8::]/32",
    "net:2001:db8::/129",
    "net:2001:db8::/0",
    "net:2001:db8::/x",
    "net:!2001:db8::1",
    "net:2001:db8::/32!2001:db8::1",
    "net:<2001:db8::1,2001:db8::2>",
    "net:[2001:db8::1],[2001:db8::2]",
    "net:2001:db8::1,2001:db8::2",
    "net:<2001:db8::1,2001:db8::zz>",
    "net:10.0.0.1",
    "net:10.0.0.0/8",
    "net:::ffff:10.0.0.1",
    "net:::1",
    "net:::",
    "net:fe80::/10",
    "net:2001:db8::zz",
    "net:2001:db8:::1",
    "net:1:2:3:4:5:6:7:8:9",
    "net:example.com",
    "net:localhost",
    "net:+myset",
    "net:+myset[src]",
    "net:!+myset",
    "net:+[a,b]",
    "net:~00-11-22-33-44-55",
    "net:~00:11:22:33:44:55",
    "net:~bogus",
    "net:&eth0",
    "net:&eth7",
    "net:%eth0",
    "net:^CN",
    "net:^[CN,US]",
    "net:2001:db8::1-2001:db8::9",
    "net:2001:db8::9-2001:db8::1",
    "net:[2001:db8::1]-[2001:db8::9]",
    "net:$ADMINS",
    "net:$DMZ_WEB",
    "net:<$ADMINS>",
    "net:[$DMZ_WEB]",
    "net:$NOPE",
    "$FW:2001:db8::1",
    "$FW:[2001:db8::1]",
    "loc:eth1:[2001:db8:0:1::]/64",
    "loc:eth0",
    "all:eth0",
    "all:2001:db8::1",
    "any:[2001:db8::1]",
    "net:eth0:+myset",
    "net:eth0:~00-11-22-33-44-55",
    "net:eth0:!2001:db8::1",
    "net:",
    "net:eth0:",
    "net,loc:2001:db8::1",
    "net:2001:db8::1 ",
    "net:ETH0",
];

const DESTS6: &[&str] = &[
    "loc:[2001:db8::1]",
    "loc:[2001:db8::1]:22",
    "loc:[2001:db8::1]:2222",
    "loc:<2001:db8::1>:22",
    "loc:2001:db8::1",
    "loc:[2001:db8::1]:22-25",
    "loc:[2001:db8::1]:22:25",
    "loc:[2001:db8::1]:99999",
    "loc:[2001:db8::1]:ssh",
    "loc:[2001:db8::zz]",
    "loc:[10.0.0.1]",
    "dmz:[$DMZ_WEB]",
    "dmz:[$DMZ_WEB]:8080",
    "$FW:[2001:db8::1]",
];

const SOURCES4: &[&str] = &[
    "net:eth0",
    "net:NET_IF",
    "net:eth7",
    "net:NET_IF:10.0.0.1",
    "net:eth0:10.0.0.1",
    "net:NET_IF:[10.0.0.1]",
    "net:10.0.0.1",
    "net:10.0.0.0/8",
    "net:10.0.0.0/33",
    "net:10.0.0.0/x",
    "net:!10.0.0.1",
    "net:10.0.0.0/8!10.0.0.1",
    "net:10.0.0.1,10.0.0.2",
    "net:<10.0.0.1,10.0.0.2>",
    "net:[10.0.0.1]",
    "net:10.0.0.256",
    "net:10.0.0",
    "net:10.0.0.1.1",
    "net:2001:db8::1",
    "net:[2001:db8::1]",
    "net:example.com",
    "net:localhost",
    "net:+myset",
    "net:+myset[src]",
    "net:!+myset",
    "net:~00-11-22-33-44-55",
    "net:~00:11:22:33:44:55",
    "net:~bogus",
    "net:&NET_IF",
    "net:&eth0",
    "net:%NET_IF",
    "net:^CN",
    "net:10.0.0.1-10.0.0.9",
    "net:10.0.0.9-10.0.0.1",
    "net:10.0.0.1-10.0.0",
    "net:$NOPE",
    "$FW:10.0.0.1",
    "loc:LOC_IF:10.0.0.0/8",
    "loc:NET_IF",
    "all:NET_IF",
    "all:10.0.0.1",
    "net:NET_IF:+myset",
    "net:NET_IF:~00-11-22-33-44-55",
    "net:NET_IF:!10.0.0.1",
    "net:",
    "net:NET_IF:",
    "net,loc:10.0.0.1",
    "net:net_if",
];

const DESTS4: &[&str] = &[
    "loc:10.0.0.1",
    "loc:10.0.0.1:22",
    "loc:10.0.0.1:2222",
    "loc:10.0.0.1:22-25",
    "loc:10.0.0.1:99999",
    "loc:10.0.0.1:ssh",
    "loc:10.0.0.1-10.0.0.5",
    "loc:10.0.0.1-10.0.0.5:22",
    "loc:10.0.0.256",
    "loc:[10.0.0.1]:22",
    "loc:2001:db8::1",
    "10.0.0.1",
    "$FW:10.0.0.1",
];

const PROTOS6: &[&str] = &[
    "tcp",
    "udp",
    "TCP",
    "Tcp",
    "6",
    "17",
    "0x06",
    "06",
    "ipv6-icmp",
    "icmp",
    "IPv6-ICMP",
    "58",
    "1",
    "icmpv6",
    "all",
    "ALL",
    "any",
    "-",
    "tcp:syn",
    "tcp:!syn",
    "tcp:SYN",
    "udp:syn",
    "6:syn",
    "tcp,udp",
    "tcp,udp,sctp",
    "tcp,bogus",
    "!tcp",
    "!udp",
    "!ipv6-icmp",
    "sctp",
    "dccp",
    "udplite",
    "esp",
    "ah",
    "gre",
    "41",
    "ipv6",
    "255",
    "256",
    "-1",
    "bogus",
    "tcp:all",
    "udp:all",
    "ipp2p",
    "ipp2p:udp",
    "ipv6-frag",
    "0",
    "ospf",
    "vrrp",
    "tcp:syn,udp",
];

const PROTOS4: &[&str] = &[
    "tcp",
    "udp",
    "TCP",
    "6",
    "17",
    "icmp",
    "ICMP",
    "1",
    "ipv6-icmp",
    "58",
    "all",
    "-",
    "tcp:syn",
    "udp:syn",
    "tcp,udp",
    "!tcp",
    "sctp",
    "esp",
    "ah",
    "gre",
    "41",
    "256",
    "bogus",
    "tcp:all",
    "ipp2p",
    "0",
];

const DPORTS: &[&str] = &[
    "22",
    "ssh",
    "SSH",
    "ssh2",
    "99999",
    "65535",
    "65536",
    "0",
    "22:10",
    "10:22",
    "22:22",
    "22-25",
    "25-22",
    "22,80,443",
    "1:65535",
    ":1024",
    "1024:",
    "hkp",
    "netbios-dgm",
    "netbios-ns",
    "http",
    "https",
    "www",
    "domain",
    "ftp-data",
    "smtps",
    "submission",
    "submissions",
    "22,ssh,http",
    "0x16",
    "017",
    "!22",
    "!22,80",
    "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
    "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
    "1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16",
    "80,81:90",
    "1:2:3",
    "22,",
    ",22",
    "=",
    "+myset[dst]",
    "$NOPE",
    "ssh-alt",
    "x11",
    "ircd",
    "ftp",
    "imaps",
    "ntp",
    "mysql",
    "postgresql",
];

const SPORTS: &[&str] = &[
    "22",
    "ssh",
    "99999",
    "22:10",
    "1024:",
    "1024:65535",
    "foo",
    "!1024",
    "53,123",
    "0",
];

const ICMP6: &[&str] = &[
    "echo-request",
    "echo-reply",
    "128",
    "128/0",
    "128/256",
    "1/3",
    "256",
    "any",
    "bogus",
    "destination-unreachable",
    "packet-too-big",
    "neighbour-solicitation",
    "neighbor-solicitation",
    "router-advertisement",
    "8",
    "echo-request,echo-reply",
    "!echo-request",
    "time-exceeded",
    "ttl-zero-during-transit",
    "parameter-problem",
    "redirect",
    "port-unreachable",
    "source-quench",
];

const ICMP4: &[&str] = &[
    "echo-request",
    "echo-reply",
    "8",
    "8/0",
    "3/4",
    "256",
    "any",
    "bogus",
    "destination-unreachable",
    "fragmentation-needed",
    "host-unreachable",
    "source-quench",
    "timestamp-request",
    "router-advertisement",
    "128",
    "echo-request,echo-reply",
    "!echo-request",
    "time-exceeded",
    "packet-too-big",
];

const ORIGDESTS6: &[&str] = &[
    "2001:db8::1",
    "[2001:db8::1]",
    "2001:db8::/64",
    "!2001:db8::1",
    "10.0.0.1",
    "bogus!",
    "2001:db8::zz",
    "&eth0",
    "+myset",
    "detect",
    "2001:db8::1,2001:db8::2",
    "all",
];

const ORIGDESTS4: &[&str] = &[
    "10.0.0.1",
    "10.0.0.0/8",
    "!10.0.0.1",
    "&NET_IF",
    "&eth0",
    "10.0.0.256",
    "2001:db8::1",
    "detect",
    "10.0.0.1,10.0.0.2",
    "+myset",
];

const RATES: &[&str] = &[
    "3/min",
    "3/min:5",
    "3/sec",
    "3/hour",
    "3/day",
    "3",
    "3/fortnight",
    "0/sec",
    "3/min:0",
    "s:3/min",
    "d:3/min",
    "s:name:3/min:5",
    "d:name:3/min",
    "name:3/min",
    ":3/min",
    "s/64:3/min",
    "s/129:3/min",
    "s/33:3/min",
    "s/0:3/min",
    "s:name(10,20):3/min",
    "3/min,5/sec",
    "3/min,5/sec,6/min",
    "s:3/min,d:5/sec",
    "bogus",
    "-3/min",
    "3/MIN",
    "3/minute",
    "3/min:5:6",
    "x:3/min",
];

const USERS: &[&str] = &[
    "root",
    "!root",
    ":root",
    "root:root",
    "0",
    "1000",
    "nobody",
    "bogususer",
    "root:bogusgroup",
    ":",
    "!:root",
    "+group",
    "root:0",
];

const MARKS: &[&str] = &[
    "1",
    "0x10",
    "0x10/0xff",
    "!1",
    "1:C",
    "bogus",
    "0xffffffff",
    "0x100000000",
    "1/2/3",
    "/0xff",
    "!0x10/0xff",
];

const CONNLIMITS: &[&str] = &[
    "10", "10:24", "s:10", "d:10", "d:10:64", "!10", "!10:24", "bogus", "10:129", "10:33", "0",
];

const TIMES: &[&str] = &[
    "timestart=08:00",
    "timestop=17:00",
    "timestart=08:00&timestop=17:00",
    "weekdays=Mon,Tue",
    "weekdays=Monday",
    "weekdays=1,7",
    "weekdays=8",
    "monthdays=1,15",
    "monthdays=32",
    "datestart=2024-01-01",
    "datestart=2024-01-01T10:00",
    "datestop=2038",
    "utc",
    "localtz",
    "kerneltz",
    "contiguous",
    "bogus",
    "bogus=1",
    "timestart=25:00",
    "timestart=8",
    "weekdays=Mon&utc",
    "utc=1",
];

const HEADERS: &[&str] = &[
    "hop",
    "!hop",
    "any:hop,dst",
    "exactly:frag",
    "none",
    "proto",
    "route",
    "auth",
    "esp",
    "ipv6-frag",
    "44",
    "bogus",
    "hop,bogus",
    "!any:hop",
    "hop-by-hop",
    "protocol",
];

const SWITCHES: &[&str] = &[
    "myswitch",
    "!myswitch",
    "myswitch=1",
    "myswitch=0",
    "my-switch",
    "1switch",
    "my_switch",
    "a$b",
    "averyveryveryverylongswitchname_that_is_long",
];

const HELPERS: &[&str] = &[
    "ftp",
    "tftp",
    "irc",
    "sip",
    "h323",
    "pptp",
    "snmp",
    "amanda",
    "netbios-ns",
    "Q.931",
    "RAS",
    "sane",
    "bogus",
    "ftp-0",
];

fn forms(base: Base) -> Forms {
    if base.is_ipv4() {
        Forms {
            action: ACTIONS,
            zone: ZONES,
            source: SOURCES4,
            dest: DESTS4,
            proto: PROTOS4,
            dport: DPORTS,
            sport: SPORTS,
            icmp: ICMP4,
            origdest: ORIGDESTS4,
            rate: RATES,
            user: USERS,
            mark: MARKS,
            connlimit: CONNLIMITS,
            time: TIMES,
            headers: HEADERS,
            switch: SWITCHES,
            helper: HELPERS,
        }
    } else {
        Forms {
            action: ACTIONS,
            zone: ZONES,
            source: SOURCES6,
            dest: DESTS6,
            proto: PROTOS6,
            dport: DPORTS,
            sport: SPORTS,
            icmp: ICMP6,
            origdest: ORIGDESTS6,
            rate: RATES,
            user: USERS,
            mark: MARKS,
            connlimit: CONNLIMITS,
            time: TIMES,
            headers: HEADERS,
            switch: SWITCHES,
            helper: HELPERS,
        }
    }
}

/// A rules line from its columns, trailing `-` dropped.
fn line(columns: &[&str]) -> String {
    let mut columns: Vec<&str> = columns.to_vec();
    while columns.len() > 1 && columns.last() == Some(&"-") {
        columns.pop();
    }
    columns.join("\t")
}

fn rules(base: Base, text: impl Into<String>) -> Variant {
    Variant::new(base, vec![Edit::new("rules", Op::Append, text)])
}

/// A small deterministic random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Every variant, in a fixed order, without duplicates.
pub fn all() -> Vec<Variant> {
    let mut res = Vec::new();
    for base in [Base::Basic6, Base::Three4] {
        single_columns(base, &mut res);
        column_pairs(base, &mut res);
        structure(base, &mut res);
        sections(base, &mut res);
        other_files(base, &mut res);
        settings(base, &mut res);
        library(base, &mut res);
        random_lines(base, if base.is_ipv4() { 500 } else { 900 }, &mut res);
        admin_mistakes(base, &mut res);
        admin_mistakes_more(base, &mut res);
        if !base.is_ipv4() {
            compiler_files(base, &mut res);
        }
    }
    defaults(&mut res);
    let mut seen = std::collections::HashSet::new();
    res.retain(|it| seen.insert(it.key()));
    res
}

/// One column at a time, the others from a plain rule.
fn single_columns(base: Base, res: &mut Vec<Variant>) {
    let f = forms(base);
    for action in f.action {
        res.push(rules(base, line(&[action, "net", "$FW", "tcp", "22"])));
        res.push(rules(base, line(&[action, "net", "$FW"])));
    }
    for zone in f.zone.iter().chain(f.source) {
        res.push(rules(base, line(&["ACCEPT", zone, "$FW", "tcp", "22"])));
        res.push(rules(base, line(&["ACCEPT", "loc", zone, "tcp", "22"])));
    }
    for dest in f.dest {
        res.push(rules(base, line(&["ACCEPT", "net", dest, "tcp", "22"])));
        res.push(rules(base, line(&["DNAT", "net", dest, "tcp", "22"])));
        res.push(rules(base, line(&["REDIRECT", "net", dest, "tcp", "22"])));
    }
    for proto in f.proto {
        res.push(rules(base, line(&["ACCEPT", "net", "$FW", proto])));
        res.push(rules(base, line(&["ACCEPT", "net", "$FW", proto, "22"])));
        res.push(rules(
            base,
            line(&["ACCEPT", "net", "$FW", proto, "-", "1024"]),
        ));
    }
    for dport in f.dport {
        res.push(rules(base, line(&["ACCEPT", "net", "$FW", "tcp", dport])));
        res.push(rules(base, line(&["ACCEPT", "net", "$FW", "udp", dport])));
    }
    for sport in f.sport {
        res.push(rules(
            base,
            line(&["ACCEPT", "net", "$FW", "tcp", "-", sport]),
        ));
        res.push(rules(
            base,
            line(&["ACCEPT", "net", "$FW", "udp", "53", sport]),
        ));
    }
    let icmp_proto = if base.is_ipv4() { "icmp" } else { "ipv6-icmp" };
    for icmp in f.icmp {
        res.push(rules(
            base,
            line(&["ACCEPT", "net", "$FW", icmp_proto, icmp]),
        ));
    }
    for origdest in f.origdest {
        res.push(rules(
            base,
            line(&[
                "DNAT",
                "net",
                "loc:[2001:db8::1]",
                "tcp",
                "22",
                "-",
                origdest,
            ]),
        ));
        res.push(rules(
            base,
            line(&["ACCEPT", "net", "$FW", "tcp", "22", "-", origdest]),
        ));
    }
    let columns: [(usize, &[&str]); 8] = [
        (7, f.rate),
        (8, f.user),
        (9, f.mark),
        (10, f.connlimit),
        (11, f.time),
        (12, f.headers),
        (13, f.switch),
        (14, f.helper),
    ];
    for (idx, values) in columns {
        for value in values {
            let mut cols = vec!["ACCEPT", "net", "$FW", "tcp", "22"];
            cols.resize(idx, "-");
            cols.push(value);
            res.push(rules(base, line(&cols)));
            let mut cols = vec!["ACCEPT", "$FW", "net", "tcp", "22"];
            cols.resize(idx, "-");
            cols.push(value);
            res.push(rules(base, line(&cols)));
        }
    }
}

/// Columns that interact.
fn column_pairs(base: Base, res: &mut Vec<Variant>) {
    let f = forms(base);
    let actions = [
        "ACCEPT",
        "DROP",
        "REJECT",
        "REJECT(tcp-reset)",
        "LOG:info",
        "SSH(ACCEPT)",
        "DNAT",
        "CONTINUE",
        "NFQUEUE(1)",
        "Ping(ACCEPT)",
        "Invalid(DROP)",
        "dropNotSyn",
        "A_DROP",
        "QUEUE",
        "ACCEPT:info",
        "DROP:info",
        "Limit(SSH,3,60)",
    ];
    for action in actions {
        for rate in ["3/min", "s:3/min:5", "bogus"] {
            res.push(rules(
                base,
                line(&[action, "net", "$FW", "tcp", "22", "-", "-", rate]),
            ));
        }
        for proto in ["udp", "icmp", "ipv6-icmp", "-", "tcp,udp"] {
            res.push(rules(base, line(&[action, "net", "$FW", proto])));
        }
        for dest in f.dest.iter().take(4) {
            res.push(rules(base, line(&[action, "net", dest])));
        }
        for user in ["root", "!root:bogus"] {
            res.push(rules(
                base,
                line(&[action, "$FW", "net", "tcp", "22", "-", "-", "-", user]),
            ));
        }
        res.push(rules(
            base,
            line(&[
                action, "net", "$FW", "tcp", "21", "-", "-", "-", "-", "-", "-", "-", "-", "-",
                "ftp",
            ]),
        ));
    }
    // REJECT options by protocol.
    let rejects: &[&str] = if base.is_ipv4() {
        &[
            "REJECT(icmp-net-unreachable)",
            "REJECT(icmp-host-unreachable)",
            "REJECT(icmp-port-unreachable)",
            "REJECT(icmp-proto-unreachable)",
            "REJECT(icmp-net-prohibited)",
            "REJECT(icmp-host-prohibited)",
            "REJECT(icmp-admin-prohibited)",
            "REJECT(icmp6-adm-prohibited)",
            "REJECT(tcp-reset)",
            "REJECT(host-unreach)",
        ]
    } else {
        &[
            "REJECT(icmp6-no-route)",
            "REJECT(no-route)",
            "REJECT(icmp6-adm-prohibited)",
            "REJECT(adm-prohibited)",
            "REJECT(icmp6-addr-unreachable)",
            "REJECT(addr-unreach)",
            "REJECT(icmp6-port-unreachable)",
            "REJECT(port-unreach)",
            "REJECT(icmp-port-unreachable)",
            "REJECT(tcp-reset)",
        ]
    };
    for reject in rejects {
        for proto in ["tcp", "udp", "-", "6"] {
            res.push(rules(base, line(&[reject, "net", "$FW", proto])));
        }
    }
    // Ipsets and MACs on both sides.
    let sides: &[&str] = if base.is_ipv4() {
        &[
            "+myset",
            "~00-11-22-33-44-55",
            "10.0.0.1",
            "&NET_IF",
            "!+myset",
        ]
    } else {
        &[
            "+myset",
            "~00-11-22-33-44-55",
            "[2001:db8::1]",
            "&eth0",
            "!+myset",
        ]
    };
    for source in sides {
        for dest in sides {
            res.push(rules(
                base,
                line(&[
                    "ACCEPT",
                    &format!("net:{source}"),
                    &format!("loc:{dest}"),
                    "tcp",
                    "22",
                ]),
            ));
        }
    }
    // Every protocol with ports, SPORT and ICMP types.
    for proto in f.proto {
        for port in ["ssh", "22:10", "echo-request", "1:2"] {
            res.push(rules(base, line(&["ACCEPT", "net", "$FW", proto, port])));
        }
    }
    // Zone pairs and USER.
    for source in ["$FW", "fw", "net", "all", "$FW:eth0", "$FW,net", "any"] {
        for user in ["root", ":root"] {
            res.push(rules(
                base,
                line(&["ACCEPT", source, "net", "tcp", "22", "-", "-", "-", user]),
            ));
        }
    }
    // Log levels and tags on macros and actions.
    for action in [
        "SSH(ACCEPT)",
        "Invalid(DROP)",
        "dropNotSyn",
        "Ping(DROP)",
        "Limit(SSH,3,60)",
    ] {
        for level in [
            ":info",
            ":bogus",
            ":info:tag",
            ":none",
            ":NFLOG(1)",
            ":info:toolongprefixxxxxxxxxxxx",
        ] {
            res.push(rules(
                base,
                line(&[&format!("{action}{level}"), "net", "$FW"]),
            ));
        }
    }
    // Macros with columns that override or combine with their bodies.
    for macro_name in [
        "SSH(ACCEPT)",
        "DNS(ACCEPT)",
        "Ping(ACCEPT)",
        "Web(ACCEPT)",
        "FTP(ACCEPT)",
        "Trcrt(ACCEPT)",
    ] {
        for rest in [
            &["net", "$FW", "tcp", "2222"][..],
            &["net", "$FW", "udp"],
            &["net", "$FW", "-", "99999"],
            &["net", "$FW", "bogus"],
            &["net", "$FW", "-", "-", "1024:"],
            &["net"],
            &["net", "bogus"],
            &["$FW", "net", "-", "-", "-", "-", "3/min"],
            &["net", "$FW", "-", "-", "-", "-", "3/min"],
        ] {
            let mut cols = vec![macro_name];
            cols.extend_from_slice(rest);
            res.push(rules(base, line(&cols)));
        }
    }
}

/// Directives, comments, continuations, braces and raw matches.
fn structure(base: Base, res: &mut Vec<Variant>) {
    let ok = "ACCEPT\tnet\t$FW\ttcp\t22";
    let texts: Vec<String> = vec![
        "ACCEPT { source=net, dest=$FW, proto=tcp, dport=23 }".into(),
        "ACCEPT net $FW { proto=tcp, dport=23 }".into(),
        "ACCEPT { source=net }".into(),
        "ACCEPT { source=net, dest=$FW, bogus=1 }".into(),
        "ACCEPT net $FW dport=25".into(),
        "{ action=ACCEPT, source=net, dest=$FW }".into(),
        "ACCEPT { source=net, dest=$FW, proto=tcp, dport=99999 }".into(),
        "ACCEPT { source=net, dest=$FW, proto=tcp, port=22 }".into(),
        "ACCEPT {source=net,dest=$FW}".into(),
        format!("{ok} ;; -m comment --comment hello"),
        format!("{ok} ;;"),
        "ACCEPT\tnet\t$FW ;; -p tcp --dport 22".into(),
        format!("{ok} # a comment"),
        format!("{ok}#comment"),
        "ACCEPT\tnet\t\\\n$FW\ttcp\t22".into(),
        "ACCEPT\tnet\t\\\n$FW\ttcp\t99999".into(),
        "ACCEPT\tnet\t\\\n\\\nbogus".into(),
        format!("{ok}\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\textra"),
        format!("{ok}\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-"),
        format!("{ok}\t-\t-\t-\t-\t-\t-\t-\t-\t-\tftp\textra"),
        "ACCEPT net $FW tcp 22".into(),
        "  ACCEPT\tnet\t$FW".into(),
        "ACCEPT\tnet\t$FW\t\"tcp\"".into(),
        "ACCEPT\tnet\t$FW\ttcp\t'22'".into(),
        "ACCEPT\tnet\t$FW\ttcp\t22\\".into(),
        "?COMMENT hello world".into(),
        format!("?COMMENT hello\n{ok}\n?COMMENT"),
        format!("?COMMENT\n{ok}"),
        "COMMENT hello".into(),
        "SECTION NEW".into(),
        "FORMAT 2".into(),
        "?FORMAT 2".into(),
        format!("?FORMAT 2\n{ok}"),
        "?FORMAT 3".into(),
        "?FORMAT x".into(),
        "?SECTION NEW".into(),
        "?SECTION ESTABLISHED".into(),
        "?SECTION BOGUS".into(),
        "?SECTION".into(),
        "?SECTION BLACKLIST".into(),
        "?section NEW".into(),
        "?SET x 1".into(),
        format!("?SET x 1\n?IF $x\n{ok}\n?ENDIF"),
        format!("?SET x 0\n?IF $x\nbogus\n?ENDIF"),
        "?SET".into(),
        "?SET x".into(),
        "?RESET x".into(),
        "?IF $FOO".into(),
        "?if $FOO".into(),
        format!("?IF 1\n{ok}\n?ENDIF"),
        format!("?IF 0\nbogus\n?ENDIF"),
        format!("?IF 0\nACCEPT\tnet\tbogus\n?ENDIF"),
        "?ELSE".into(),
        "?ENDIF".into(),
        "?ELSIF 1".into(),
        format!("?IF __IPV6\n{ok}\n?ELSE\nbogus\n?ENDIF"),
        format!("?IF __IPV4\nbogus\n?ELSE\n{ok}\n?ENDIF"),
        format!(
            "?IF __IPV4\nACCEPT\tnet:10.0.0.1\t$FW\n?ELSE\nACCEPT\tnet:2001:db8::1\t$FW\n?ENDIF"
        ),
        format!("?IF $ADMINS\n{ok}\n?ENDIF"),
        format!("?IF $NOPE\nbogus\n?ENDIF"),
        format!("?IF ! $NOPE\n{ok}\n?ENDIF"),
        format!("?IF defined $NOPE\n{ok}\n?ENDIF"),
        format!("?IF __IPSET_MATCH\nbogus\n?ENDIF"),
        format!("?IF __BOGUS_CAP\n{ok}\n?ENDIF"),
        format!("?IF $FW eq 'fw'\n{ok}\n?ELSIF 1\nbogus\n?ENDIF"),
        format!("?IF 1\n?IF 0\nbogus\n?ENDIF\n{ok}\n?ENDIF"),
        format!("?IF 1\n{ok}\n?ELSE\nbogus\n?ELSE\nbogus\n?ENDIF"),
        format!("?IF 1\n{ok}"),
        format!("?IF (\n{ok}\n?ENDIF"),
        "?ERROR stop here".into(),
        "?WARNING careful".into(),
        "?INFO note".into(),
        format!("?IF 0\n?ERROR not reached\n?ENDIF"),
        "?REQUIRE BOGUS".into(),
        "?REQUIRE IPSET_MATCH".into(),
        "?REQUIRE COMMENTS".into(),
        "?BOGUS".into(),
        "INCLUDE rules.missing".into(),
        "INCLUDE".into(),
        "INCLUDE a b".into(),
        "?INCLUDE rules.missing".into(),
        "INCLUDE /nonexistent/file".into(),
        "INCLUDE $NOPE".into(),
        "INCLUDE params".into(),
        "SHELL echo hi".into(),
        "PERL print 1;".into(),
        "BEGIN SHELL\necho hi\nEND SHELL".into(),
        "BEGIN PERL\n1;\nEND PERL".into(),
        "?BEGIN PERL\n1;\n?END PERL".into(),
        "DEFAULTS ACCEPT".into(),
        format!("{ok}\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-"),
        "ACCEPT\tnet\t$FW\ttcp\t22 23".into(),
        "ACCEPT\tnet\t$FW\ttcp\t22,\\\n23".into(),
        "\tACCEPT\tnet\t$FW".into(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t#x".into(),
        "ACCEPT\tnet:2001:db8::1\t$FW\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-".into(),
        "ACCEPT\t$FW\t$FW".into(),
        "ACCEPT\tnet\tnet".into(),
        "ACCEPT\tall\tall".into(),
        "ACCEPT+\tnet\t$FW".into(),
        "NONAT\tnet\t$FW".into(),
    ];
    for text in texts {
        res.push(rules(base, text));
    }
    // A file INCLUDEd from rules.
    for included in [
        "ACCEPT\tnet\t$FW\ttcp\t22",
        "ACCEPT\tnet\tbogus",
        "?IF 1",
        "INCLUDE rules.inc",
        "?SECTION NEW",
    ] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("rules.inc", Op::Create, included),
                Edit::new("rules", Op::Append, "INCLUDE rules.inc"),
            ],
        ));
    }
}

/// Rules in each section, and sections with settings that restrict them.
fn sections(base: Base, res: &mut Vec<Variant>) {
    let lines = [
        "ACCEPT\tnet\t$FW\ttcp\t22",
        "DROP\tnet\t$FW",
        "REJECT\tnet\t$FW",
        "DNAT\tnet\tloc:[2001:db8::1]\ttcp\t22",
        "DNAT\tnet\tloc:10.0.0.1\ttcp\t22",
        "REDIRECT\tnet\t22\ttcp\t2222",
        "NONAT\tnet\t$FW",
        "ACCEPT+\tnet\t$FW",
        "SSH(ACCEPT)\tnet\t$FW",
        "Invalid(DROP)\tnet\t$FW",
        "dropInvalid\tnet\t$FW",
        "BLACKLIST\tnet\t$FW",
        "Established\tnet\t$FW",
        "LOG:info\tnet\t$FW",
        "CONTINUE\tnet\t$FW",
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/min",
        "HELPER\tnet\t$FW\ttcp\t21\t-\t-\t-\t-\t-\t-\t-\t-\t-\tftp",
        "WHITELIST\tnet\t$FW",
        "QUEUE\tnet\t$FW",
        "NFQUEUE\tnet\t$FW",
        "COUNT\tnet\t$FW",
        "AUDIT(accept)\tnet\t$FW",
    ];
    for section in ["ALL", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"] {
        for text in lines {
            res.push(Variant::new(
                base,
                vec![Edit::new(
                    "rules",
                    Op::After(format!("?SECTION {section}")),
                    text,
                )],
            ));
        }
        for fast in ["FASTACCEPT=Yes", "FASTACCEPT=No"] {
            for text in ["ACCEPT\tnet\t$FW\ttcp\t22", "dropInvalid\tnet\t$FW"] {
                res.push(Variant::new(
                    base,
                    vec![
                        Edit::new(base.conf(), Op::Set, fast),
                        Edit::new("rules", Op::After(format!("?SECTION {section}")), text),
                    ],
                ));
            }
        }
        for setting in [
            "RELATED_DISPOSITION=REJECT",
            "RELATED_LOG_LEVEL=info",
            "INVALID_DISPOSITION=DROP",
            "UNTRACKED_DISPOSITION=ACCEPT",
        ] {
            res.push(Variant::new(
                base,
                vec![
                    Edit::new(base.conf(), Op::Set, "FASTACCEPT=Yes"),
                    Edit::new(base.conf(), Op::Set, setting),
                    Edit::new(
                        "rules",
                        Op::After(format!("?SECTION {section}")),
                        "ACCEPT\tnet\t$FW\ttcp\t22",
                    ),
                ],
            ));
        }
    }
    // Sections in the wrong order or twice, inserted among the existing ones.
    for (after, text) in [
        ("?SECTION NEW", "?SECTION ESTABLISHED"),
        ("?SECTION NEW", "?SECTION NEW"),
        ("?SECTION ALL", "?SECTION ALL"),
        ("?SECTION RELATED", "?SECTION ESTABLISHED"),
        ("?SECTION ALL", "?SECTION NEW"),
        ("?SECTION ALL", "?SECTION BLACKLIST"),
    ] {
        res.push(Variant::new(
            base,
            vec![Edit::new("rules", Op::After(after.to_owned()), text)],
        ));
    }
    // FASTACCEPT alone (the base has empty sections).
    res.push(Variant::new(
        base,
        vec![Edit::new(base.conf(), Op::Set, "FASTACCEPT=Yes")],
    ));
    // blrules.
    for text in [
        "DROP\tnet:2001:db8::1\tall",
        "DROP\tnet:10.0.0.1\tall",
        "WHITELIST\tnet:2001:db8::1\tall",
        "BLACKLIST\tnet\tall",
        "ACCEPT\tnet\t$FW\ttcp\t22",
        "ACCEPT+\tnet\t$FW",
        "DROP!\tnet\t$FW",
        "DNAT\tnet\tloc:[2001:db8::1]",
        "DNAT\tnet\tloc:10.0.0.1",
        "REJECT:info\tnet\tall",
        "SSH(DROP)\tnet\t$FW",
        "Invalid(DROP)\tnet\t$FW",
        "DROP\tbogus\tall",
        "?SECTION NEW",
        "DROP\tnet\tall\ttcp\t99999",
        "CONTINUE\tnet\tall",
        "DROP\tnet\tall\t-\t-\t-\t-\t3/min",
        "LOG:info\tnet\tall",
    ] {
        res.push(Variant::new(
            base,
            vec![Edit::new("blrules", Op::Append, text)],
        ));
    }
}

/// zones, interfaces, hosts, policy and params.
fn other_files(base: Base, res: &mut Vec<Variant>) {
    let v4 = base.is_ipv4();
    let ip = if v4 { "ipv4" } else { "ipv6" };
    let mut zones: Vec<String> = vec![
        format!("foo\t{ip}"),
        "foo\tip".into(),
        "foo\tipv4".into(),
        "foo\tipv6".into(),
        "foo\t-".into(),
        "foo\tipsec".into(),
        "foo\tipsec4".into(),
        "foo\tipsec6".into(),
        "foo\tbport".into(),
        "foo\tbport4".into(),
        "foo\tbport6".into(),
        "foo\tvserver".into(),
        "foo\tloopback".into(),
        "foo\tlocal".into(),
        "foo\tfirewall".into(),
        "foo\tipv9".into(),
        "foo\tIPV6".into(),
        "foo".into(),
        format!("foo:net\t{ip}"),
        format!("foo:bogus\t{ip}"),
        format!("foo:fw\t{ip}"),
        format!("foo:net,loc\t{ip}"),
        format!("foo:net:loc\t{ip}"),
        format!("dmz\t{ip}"),
        format!("net\t{ip}"),
        "fw\tfirewall".into(),
        format!("averylongzonename\t{ip}"),
        format!("abcde\t{ip}"),
        format!("abcdef\t{ip}"),
        format!("abcdefghij\t{ip}"),
        format!("abcdefghijk\t{ip}"),
        format!("all\t{ip}"),
        format!("any\t{ip}"),
        format!("none\t{ip}"),
        format!("1foo\t{ip}"),
        format!("foo-bar\t{ip}"),
        format!("foo_bar\t{ip}"),
        format!("Foo\t{ip}"),
        format!("all2foo\t{ip}"),
        format!("foo2all\t{ip}"),
        format!("DROP\t{ip}"),
        format!("foo\t{ip}\tmss=1400"),
        format!("foo\t{ip}\tmss=bogus"),
        format!("foo\t{ip}\tbogus"),
        format!("foo\t{ip}\tnomark"),
        format!("foo\t{ip}\tblacklist"),
        format!("foo\t{ip}\tdynamic_shared"),
        format!("foo\t{ip}\tmode=tunnel"),
        format!("foo\t{ip}\t-\tmss=1400"),
        format!("foo\t{ip}\t-\t-\tmss=1400"),
        format!("foo\t{ip}\t-\t-\tbogus"),
        "foo\tipsec\tmode=tunnel".into(),
        "foo\tipsec\tmode=bogus".into(),
        "foo\tipsec\tstrict,next".into(),
        "foo\tipsec\treqid=5,spi=0x100".into(),
        "foo\tipsec\treqid=x".into(),
        "foo\tipsec\tproto=esp".into(),
        "foo\tipsec\tproto=bogus".into(),
        "foo\tipsec\t-\tmode=transport".into(),
        "foo\tipsec\ttunnel-src=2001:db8::1".into(),
        "foo\tipsec\ttunnel-src=10.0.0.1".into(),
        "foo\tloopback\tmss=1400".into(),
        "foo\tvserver\tmss=1400".into(),
        format!("foo\t{ip}\tmss"),
        format!("foo\t{ip}\tnomark=1"),
        format!("foo\t{ip}\t-\t-\t-\textra"),
        "FORMAT 2".into(),
        "?FORMAT 2".into(),
        "COMMENT zones".into(),
        "?COMMENT zones".into(),
        format!("$NOPE\t{ip}"),
        format!("foo:$FW\t{ip}"),
        format!("foo:dmz\t{ip}\nbar:foo\t{ip}"),
        format!("foo:bar\t{ip}\nbar\t{ip}"),
        "foo\tbport\nbar:foo\tbport".into(),
        "foo\tvserver\nbar:foo\tvserver".into(),
        "lo\tloopback".into(),
        "lo\tlocal".into(),
        format!("foo\t{ip}\nfoo\t{ip}"),
    ];
    zones.dedup();
    for text in zones {
        res.push(Variant::new(
            base,
            vec![Edit::new("zones", Op::Append, text)],
        ));
    }
    // Zones used elsewhere.
    res.push(Variant::new(base, vec![Edit::new("zones", Op::Create, "")]));
    res.push(Variant::new(
        base,
        vec![Edit::new("zones", Op::Create, "fw\tfirewall")],
    ));
    res.push(Variant::new(
        base,
        vec![Edit::new("zones", Op::Create, format!("net\t{ip}"))],
    ));
    res.push(Variant::new(
        base,
        vec![
            Edit::new("zones", Op::Append, format!("vpn\t{ip}")),
            Edit::new("rules", Op::Append, "ACCEPT\tvpn\t$FW\ttcp\t22"),
        ],
    ));
    res.push(Variant::new(
        base,
        vec![
            Edit::new("zones", Op::Append, format!("vpn:loc\t{ip}")),
            Edit::new("rules", Op::Append, "ACCEPT\tvpn\t$FW\ttcp\t22"),
        ],
    ));
    // Interfaces (?FORMAT 2: ZONE INTERFACE OPTIONS).
    let (phys, nets, other_nets) = if v4 {
        ("NET_IF", "10.0.0.0/8", "2001:db8::/32")
    } else {
        ("eth0", "2001:db8::/32", "10.0.0.0/8")
    };
    let mut interfaces: Vec<String> = vec![
        "dmz\teth3\ttcpflags".into(),
        "dmz\teth3\tbogusopt".into(),
        "dmz\teth3".into(),
        "dmz\teth3\t-".into(),
        "foo\teth3".into(),
        "-\teth3".into(),
        "fw\teth3".into(),
        "$FW\teth3".into(),
        format!("dmz\t{phys}"),
        format!("dmz\teth3\tnets={nets}"),
        format!("dmz\teth3\tnets={other_nets}"),
        format!("dmz\teth3\tnets=({nets})"),
        format!("-\teth3\tnets={nets}"),
        "dmz\teth3\tnets=bogus".into(),
        "dmz\teth3\tnets=dynamic".into(),
        "dmz\teth3\trouteback".into(),
        "dmz\teth3\trouteback=1".into(),
        "dmz\teth3\trouteback=0".into(),
        "dmz\teth3\trouteback=2".into(),
        "dmz\teth3\tforward=1".into(),
        "dmz\teth3\taccept_ra=2".into(),
        "dmz\teth3\taccept_ra=3".into(),
        "dmz\teth3\taccept_ra".into(),
        "dmz\teth3\tproxyndp".into(),
        "dmz\teth3\tproxyndp=1".into(),
        "dmz\teth3\tproxyarp=1".into(),
        "dmz\teth3\tarp_filter".into(),
        "dmz\teth3\tarp_ignore=1".into(),
        "dmz\teth3\tlogmartians".into(),
        "dmz\teth3\troutefilter".into(),
        "dmz\teth3\troutefilter=2".into(),
        "dmz\teth3\troutefilter=3".into(),
        "dmz\teth3\tnorfc1918".into(),
        "dmz\teth3\tdetectnets".into(),
        "dmz\teth3\tmss=1400".into(),
        "dmz\teth3\tmss=bogus".into(),
        "dmz\teth3\tmss".into(),
        "dmz\teth3\tphysical=eth9".into(),
        "dmz\teth3\tphysical=".into(),
        "dmz\teth3\tphysical=eth0".into(),
        "dmz\teth3\toptional".into(),
        "dmz\teth3\trequired".into(),
        "dmz\teth3\toptional,required".into(),
        "dmz\teth3\tignore".into(),
        "-\teth3\tignore".into(),
        "-\teth3\tignore=1".into(),
        "dmz\teth3\tdhcp,optional,routeback,blacklist".into(),
        "dmz\tppp+".into(),
        "dmz\teth3.1".into(),
        "dmz\teth3:1".into(),
        "dmz\tbr0:eth3".into(),
        "dmz\teth3\twait=10".into(),
        "dmz\teth3\twait=bogus".into(),
        "dmz\teth3\tdbl=src".into(),
        "dmz\teth3\tdbl=bogus".into(),
        format!("dmz\teth3\tsfilter={nets}"),
        "dmz\teth3\tsfilter=bogus".into(),
        "dmz\teth3\trpfilter".into(),
        "dmz\teth3\tnosmurfs".into(),
        "dmz\teth3\tunmanaged".into(),
        "-\teth3\tunmanaged".into(),
        "dmz\teth3\tunmanaged,routeback".into(),
        "dmz\teth3\t-\textra".into(),
        "dmz\teth3\tloopback".into(),
        "dmz\tlo\tloopback".into(),
        "dmz\teth3\tsourceroute=2".into(),
        "dmz\teth3\tupnp".into(),
        "dmz\teth3\tupnpclient".into(),
        "dmz\teth3\tbridge".into(),
        "dmz\teth3\tdestonly".into(),
        "dmz\teth3\tmaclist".into(),
        "dmz\teth3\tomitanycast".into(),
        "dmz\teth3\ttcpflags=0".into(),
        "dmz\teth3\ttcpflags,tcpflags".into(),
        "dmz\tbogus!name".into(),
        "dmz\teth3\tnodbl".into(),
        "dmz\teth3\tdhcp=1".into(),
        "dmz\tany".into(),
        "dmz\tlo".into(),
        "dmz\t+".into(),
        "dmz\teth3\tphysical=eth3+".into(),
        "dmz\teth3+\tphysical=eth4".into(),
        "?FORMAT 1".into(),
        "?FORMAT 1\ndmz\teth3\tdetect\ttcpflags".into(),
        "?FORMAT 1\ndmz\teth3\t-\ttcpflags".into(),
        "FORMAT 1".into(),
        "dmz\t$NOPE".into(),
        format!("dmz\teth3\nloc\teth3"),
    ];
    interfaces.dedup();
    for text in interfaces {
        res.push(Variant::new(
            base,
            vec![Edit::new("interfaces", Op::Append, text)],
        ));
    }
    res.push(Variant::new(
        base,
        vec![Edit::new("interfaces", Op::Create, "")],
    ));
    // hosts (the bases have none).
    let hosts: Vec<String> = if v4 {
        vec![
            "loc\tLOC_IF:10.1.0.0/16".into(),
            "loc\teth1:10.1.0.0/16".into(),
            "loc\tLOC_IF:10.1.0.0/33".into(),
            "loc\tLOC_IF:2001:db8::/32".into(),
            "loc\tLOC_IF:10.1.0.1,10.1.0.2".into(),
            "loc\tLOC_IF:10.1.0.1-10.1.0.9".into(),
            "loc\tLOC_IF:!10.1.0.1".into(),
            "loc\tLOC_IF:+myset".into(),
            "loc\tLOC_IF:dynamic".into(),
            "loc\tLOC_IF:~00-11-22-33-44-55".into(),
            "loc\tLOC_IF".into(),
            "loc\tLOC_IF:".into(),
            "loc\tBOGUS_IF:10.1.0.0/16".into(),
            "bogus\tLOC_IF:10.1.0.0/16".into(),
            "fw\tLOC_IF:10.1.0.0/16".into(),
            "loc\tLOC_IF:10.1.0.0/16\trouteback".into(),
            "loc\tLOC_IF:10.1.0.0/16\tbogusopt".into(),
            "loc\tLOC_IF:10.1.0.0/16\tmaclist,tcpflags,blacklist,nosmurfs".into(),
            "loc\tLOC_IF:10.1.0.0/16\tbroadcast,destonly,sourceonly".into(),
            "loc\tLOC_IF:10.1.0.0/16\tmss=1400".into(),
            "loc\tLOC_IF:10.1.0.0/16\tipsec".into(),
            "loc\tLOC_IF:10.1.0.0/16\t-\textra".into(),
            "loc\tLOC_IF:example.com".into(),
            "loc\tLOC_IF:10.1.0.0/16,+myset".into(),
            "loc\tLOC_IF:[10.1.0.0/16]".into(),
        ]
    } else {
        vec![
            "loc\teth1:[2001:db8:1::]/64".into(),
            "loc\teth1:2001:db8:1::/64".into(),
            "loc\teth1:<2001:db8:1::/64>".into(),
            "loc\teth1:[2001:db8:1::/64]".into(),
            "loc\teth7:[2001:db8:1::]/64".into(),
            "loc\teth1:[2001:db8::]/129".into(),
            "loc\teth1:[10.0.0.0]/8".into(),
            "loc\teth1:[2001:db8::zz]".into(),
            "loc\teth1:[2001:db8::1],[2001:db8::2]".into(),
            "loc\teth1:<2001:db8::1,2001:db8::2>".into(),
            "loc\teth1:[2001:db8::1]-[2001:db8::9]".into(),
            "loc\teth1:![2001:db8::1]".into(),
            "loc\teth1:+myset".into(),
            "loc\teth1:dynamic".into(),
            "loc\teth1:~00-11-22-33-44-55".into(),
            "loc\teth1".into(),
            "loc\teth1:".into(),
            "bogus\teth1:[2001:db8:1::]/64".into(),
            "fw\teth1:[2001:db8:1::]/64".into(),
            "loc\teth1:[2001:db8:1::]/64\trouteback".into(),
            "loc\teth1:[2001:db8:1::]/64\tbogusopt".into(),
            "loc\teth1:[2001:db8:1::]/64\tmaclist,tcpflags,blacklist,nosmurfs".into(),
            "loc\teth1:[2001:db8:1::]/64\tbroadcast,destonly,sourceonly".into(),
            "loc\teth1:[2001:db8:1::]/64\tmss=1400".into(),
            "loc\teth1:[2001:db8:1::]/64\tipsec".into(),
            "loc\teth1:[2001:db8:1::]/64\t-\textra".into(),
            "loc\teth1:[example.com]".into(),
            "loc\teth1:[2001:db8:1::]/64,+myset".into(),
        ]
    };
    for text in &hosts {
        res.push(Variant::new(
            base,
            vec![Edit::new("hosts", Op::Append, text.clone())],
        ));
    }
    // A zone defined by hosts only.
    let host = if v4 {
        "vpn\tLOC_IF:10.9.0.0/16"
    } else {
        "vpn\teth1:[2001:db8:9::]/64"
    };
    for zone in [
        format!("vpn\t{ip}"),
        format!("vpn:loc\t{ip}"),
        "vpn\tipsec".to_owned(),
    ] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("zones", Op::Append, zone),
                Edit::new("hosts", Op::Append, host),
            ],
        ));
    }
    res.push(Variant::new(
        base,
        vec![
            Edit::new("zones", Op::Append, format!("vpn\t{ip}")),
            Edit::new("interfaces", Op::Append, "-\teth3"),
            Edit::new(
                "hosts",
                Op::Append,
                host.replace("eth1", "eth3").replace("LOC_IF", "eth3"),
            ),
        ],
    ));
    // Policy.
    let policies = [
        "net\tall\tDROP",
        "dmz\tloc\tACCEPT",
        "dmz\tloc\tMAYBE",
        "dmz\tloc\taccept",
        "dmz\tloc\tACCEPT\tinfo",
        "dmz\tloc\tACCEPT\tbogus",
        "dmz\tloc\tACCEPT\tNFLOG(1)",
        "dmz\tloc\tDROP:Drop",
        "dmz\tloc\tDROP:AllowICMPs",
        "dmz\tloc\tDROP:none",
        "dmz\tloc\tDROP:None",
        "dmz\tloc\tDROP:Broadcast(DROP),Multicast(DROP)",
        "dmz\tloc\tDROP:+Broadcast(DROP)",
        "dmz\tloc\tREJECT:Bogus",
        "dmz\tloc\tREJECT:SSH(ACCEPT)",
        "dmz\tloc\tREJECT:AllowICMPs:info",
        "dmz\tloc\tREJECT:AllowICMPs:bogus",
        "dmz\tloc\tNONE",
        "$FW\tloc\tNONE",
        "all\tall\tNONE",
        "dmz\tfoo\tACCEPT",
        "foo\tdmz\tACCEPT",
        "dmz\tloc\tCONTINUE",
        "dmz\tloc\tQUEUE",
        "dmz\tloc\tNFQUEUE",
        "dmz\tloc\tNFQUEUE(1)",
        "dmz\tloc\tNFQUEUE(bogus)",
        "dmz\tloc\tBLACKLIST",
        "dmz\tloc\tACCEPT\t-\t3/min",
        "dmz\tloc\tACCEPT\t-\ts:3/min:5",
        "dmz\tloc\tACCEPT\t-\tbogus",
        "dmz\tloc\tDROP\t-\t3/min",
        "dmz\tloc\tACCEPT\t-\t-\t10",
        "dmz\tloc\tACCEPT\t-\t-\t10:64",
        "dmz\tloc\tACCEPT\t-\t-\tbogus",
        "dmz,loc\tnet\tACCEPT",
        "dmz\tloc,net\tACCEPT",
        "dmz,loc\tloc,dmz\tACCEPT",
        "dmz,bogus\tnet\tACCEPT",
        "all,dmz\tnet\tACCEPT",
        "all+\tall\tREJECT",
        "all!dmz\tall\tACCEPT",
        "all!bogus\tall\tACCEPT",
        "dmz\tdmz\tACCEPT",
        "dmz\tdmz\tDROP",
        "dmz+\tloc\tACCEPT",
        "dmz\tloc\tACCEPT:audit",
        "dmz\tloc\tDROP:audit",
        "dmz\tloc\tA_DROP",
        "dmz",
        "dmz\tloc",
        "dmz\tloc\tACCEPT\tinfo\t-\t-\textra",
        "dmz\tloc\tACCEPT\tinfo:tag",
        "dmz\tloc\tDROP\tinfo!",
        "dmz\tloc\tACCEPT\t$NOPE",
        "$FW\tall\tACCEPT",
        "fw\tall\tACCEPT",
        "all\tall\tREJECT",
        "all\tall\tACCEPT",
        "net\t$FW\tACCEPT",
        "any\tall\tACCEPT",
        "dmz\tloc\tREJECT(tcp-reset)",
        "dmz\tloc\tDROP:AllowICMPs,Broadcast(DROP)",
        "dmz\tloc\tDROP:Invalid(DROP)",
    ];
    for text in policies {
        res.push(Variant::new(
            base,
            vec![Edit::new("policy", Op::Append, text)],
        ));
        res.push(Variant::new(
            base,
            vec![Edit::new("policy", Op::Before("all\t".to_owned()), text)],
        ));
    }
    res.push(Variant::new(
        base,
        vec![Edit::new("policy", Op::Create, "")],
    ));
    res.push(Variant::new(
        base,
        vec![Edit::new("policy", Op::Create, "net\tall\tDROP")],
    ));
    res.push(Variant::new(
        base,
        vec![Edit::new(
            "policy",
            Op::Create,
            "$FW\tall\tACCEPT\nloc\tall\tACCEPT",
        )],
    ));
    // params and their use.
    let (good, bad, other) = if v4 {
        ("10.0.0.5", "10.0.0.0/33", "2001:db8::5")
    } else {
        ("2001:db8::5", "2001:db8::/129", "10.0.0.5")
    };
    for (param, rule) in [
        (format!("SRV={good}"), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        (format!("SRV={bad}"), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        (format!("SRV={other}"), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        (format!("SRV=\"{good}\""), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        (format!("SRV='{good}'"), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        (
            format!("export SRV={good}"),
            "ACCEPT\tnet:$SRV\t$FW\ttcp\t22",
        ),
        (format!("SRV={good}"), "ACCEPT\tnet:${SRV}\t$FW\ttcp\t22"),
        ("SRV=$(echo x)".to_owned(), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        ("SRV=".to_owned(), "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
        ("PORTS=22,80".to_owned(), "ACCEPT\tnet\t$FW\ttcp\t$PORTS"),
        ("PORTS=99999".to_owned(), "ACCEPT\tnet\t$FW\ttcp\t$PORTS"),
        ("P=tcp".to_owned(), "ACCEPT\tnet\t$FW\t$P\t22"),
        ("A=ACCEPT".to_owned(), "$A\tnet\t$FW\ttcp\t22"),
        ("A=FOO".to_owned(), "$A\tnet\t$FW\ttcp\t22"),
        ("Z=net".to_owned(), "ACCEPT\t$Z\t$FW\ttcp\t22"),
        ("Z=bogus".to_owned(), "ACCEPT\t$Z\t$FW\ttcp\t22"),
        ("LINE=\"ACCEPT net\"".to_owned(), "$LINE\t$FW\ttcp\t22"),
        (
            "X=1".to_owned(),
            "?IF $X\nACCEPT\tnet\t$FW\ttcp\t22\n?ENDIF",
        ),
        ("X=0".to_owned(), "?IF $X\nACCEPT\tnet\tbogus\n?ENDIF"),
        ("FW=gw".to_owned(), "ACCEPT\tnet\t$FW\ttcp\t22"),
        ("LEVEL=info".to_owned(), "ACCEPT:$LEVEL\tnet\t$FW\ttcp\t22"),
        ("LEVEL=bogus".to_owned(), "ACCEPT:$LEVEL\tnet\t$FW\ttcp\t22"),
    ] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("params", Op::Append, param),
                Edit::new("rules", Op::Append, rule),
            ],
        ));
    }
    for param in [
        "X=1",
        "X",
        "X=$(date)",
        "X=`date`",
        "if true; then X=1; fi",
        "echo hello",
        "X=\"unterminated",
        "1X=2",
        "X='a b'",
        "INCLUDE params.missing",
    ] {
        res.push(Variant::new(
            base,
            vec![Edit::new("params", Op::Append, param)],
        ));
    }
}

/// shorewall.conf settings, alone and with rules that depend on them.
fn settings(base: Base, res: &mut Vec<Variant>) {
    let conf = base.conf();
    let alone = [
        "OPTIMIZE=bogus",
        "OPTIMIZE=0",
        "OPTIMIZE=1",
        "OPTIMIZE=31",
        "OPTIMIZE=32",
        "OPTIMIZE=All",
        "OPTIMIZE=all",
        "OPTIMIZE=None",
        "OPTIMIZE=none",
        "OPTIMIZE=0x1f",
        "OPTIMIZE=-1",
        "OPTIMIZE=",
        "OPTIMIZE=8",
        "OPTIMIZE=020",
        "LOGFORMAT=\"%s %s \"",
        "LOGFORMAT=\"Shorewall:%s:%s:\"",
        "LOGFORMAT=\"%s:%d:%s\"",
        "LOGFORMAT=\"bad%x\"",
        "LOGFORMAT=\"toolongtoolongtoolongtoolong%s%s\"",
        "LOGFORMAT=",
        "LOGFORMAT=\"%s\"",
        "LOG_LEVEL=bogus",
        "LOG_LEVEL=info",
        "LOG_LEVEL=NFLOG(1)",
        "LOG_LEVEL=",
        "LOG_LEVEL=8",
        "TCP_FLAGS_LOG_LEVEL=bogus",
        "FASTACCEPT=Yes",
        "FASTACCEPT=maybe",
        "FASTACCEPT=yes",
        "FASTACCEPT=No",
        "FASTACCEPT=",
        "IGNOREUNKNOWNVARIABLES=Yes",
        "IGNOREUNKNOWNVARIABLES=maybe",
        "ZONE2ZONE=2",
        "ZONE2ZONE=x",
        "ZONE2ZONE=-",
        "DROP_DEFAULT=Drop",
        "DROP_DEFAULT=none",
        "DROP_DEFAULT=AllowICMPs",
        "DROP_DEFAULT=Bogus",
        "DROP_DEFAULT=\"Broadcast(DROP),Bogus\"",
        "REJECT_DEFAULT=Reject",
        "ACCEPT_DEFAULT=AllowICMPs",
        "BLACKLIST_DEFAULT=Bogus",
        "FOOBAR=1",
        "LOGRATE=1",
        "LOGBURST=1",
        "BLACKLIST_DISPOSITION=ACCEPT",
        "BLACKLIST_DISPOSITION=REJECT",
        "RELATED_DISPOSITION=bogus",
        "RELATED_DISPOSITION=REJECT",
        "INVALID_DISPOSITION=DROP",
        "MACLIST_DISPOSITION=bogus",
        "TCP_FLAGS_DISPOSITION=bogus",
        "SMURF_DISPOSITION=REJECT",
        "SFILTER_DISPOSITION=ACCEPT",
        "AUTOCOMMENT=x",
        "AUTOCOMMENT=No",
        "TC_ENABLED=bogus",
        "TC_ENABLED=No",
        "IP_FORWARDING=bogus",
        "IP_FORWARDING=On",
        "MACLIST_TABLE=bogus",
        "MACLIST_TABLE=mangle",
        "LOG_ZONE=bogus",
        "LOG_ZONE=src",
        "EXPAND_POLICIES=Yes",
        "EXPAND_POLICIES=No",
        "LOGLIMIT=bogus",
        "LOGLIMIT=1/sec",
        "LOGLIMIT=s:1/sec:10",
        "LOGLIMIT=",
        "BLACKLIST=bogus",
        "BLACKLIST=ALL",
        "BLACKLIST=NEW",
        "DYNAMIC_BLACKLIST=bogus",
        "DYNAMIC_BLACKLIST=No",
        "DYNAMIC_BLACKLIST=ipset-only",
        "CONFIG_PATH=bogus",
        "MUTEX_TIMEOUT=bogus",
        "STARTUP_ENABLED=maybe",
        "VERBOSITY=bogus",
        "LOGTAGONLY=Yes",
        "IMPLICIT_CONTINUE=Yes",
        "HELPERS=ftp,tftp",
        "HELPERS=bogus",
        "AUTOHELPERS=No",
        "RESTORE_DEFAULT_ROUTE=maybe",
        "ACCOUNTING_TABLE=bogus",
        "ZONE_BITS=bogus",
        "ZONE_BITS=3",
        "TC_BITS=bogus",
        "PROVIDER_BITS=30",
        "MARK_IN_FORWARD_CHAIN=Yes",
        "BASIC_FILTERS=Yes",
        "DOCKER=Yes",
        "PERL_HASH_SEED=bogus",
        "USE_NFLOG_SIZE=Yes",
        "REJECT_ACTION=Bogus",
        "REJECT_ACTION=REJECT",
        "INVALID_LOG_LEVEL=info",
        "UNTRACKED_LOG_LEVEL=bogus",
        "RPFILTER_LOG_LEVEL=bogus",
        "SFILTER_LOG_LEVEL=none",
        "MODULE_SUFFIX=ko",
        "LEGACY_FASTSTART=Yes",
        "MAPOLDACTIONS=Yes",
        "IPSECFILE=zones",
        "WIDE_TC_MARKS=Yes",
        "HIGH_ROUTE_MARKS=Yes",
        "BLACKLISTNEWONLY=Yes",
        "DISABLE_IPV6=Yes",
        "FORWARD_CLEAR_MARK=Yes",
        "MANGLE_ENABLED=No",
        "OPTIMIZE_ACCOUNTING=maybe",
        "KEEP_RT_TABLES=maybe",
        "NULL_ROUTE_RFC1918=Yes",
        "ADMINISABSENTMINDED=maybe",
        "MULTICAST=Yes",
        "DELETE_THEN_ADD=No",
        "FOO=$NOPE",
        "LOG_LEVEL=$NOPE",
        "LOG_LEVEL=\"$LOG_LEVEL\"",
        "COMPLETE=Yes",
        "lowercase=1",
        "IP6TABLES=/sbin/ip6tables",
        "IPTABLES=/sbin/iptables",
        "ARPTABLES=/sbin/arptables",
        "IPSET_WARNINGS=No",
        "TRACK_RULES=Yes",
        "TRACK_RULES=File",
        "RENAME_COMBINED=No",
        "WORKAROUNDS=Yes",
        "RESTART=bogus",
        "RESTART=reload",
    ];
    for setting in alone {
        res.push(Variant::new(base, vec![Edit::new(conf, Op::Set, setting)]));
    }
    for text in [
        "bogus line",
        "FOO",
        "=1",
        "?IF 1",
        "INCLUDE conf.missing",
        "OPTIMIZE = 1",
    ] {
        res.push(Variant::new(base, vec![Edit::new(conf, Op::Append, text)]));
    }
    // Settings with the rules they change.
    let pairs: &[(&str, &str)] = &[
        ("IGNOREUNKNOWNVARIABLES=Yes", "ACCEPT\tnet:$NOPE\t$FW"),
        ("IGNOREUNKNOWNVARIABLES=No", "ACCEPT\tnet:$NOPE\t$FW"),
        ("IGNOREUNKNOWNVARIABLES=Yes", "ACCEPT\tnet\t$FW\ttcp\t$NOPE"),
        ("IGNOREUNKNOWNVARIABLES=Yes", "$NOPE\tnet\t$FW"),
        ("IGNOREUNKNOWNVARIABLES=Yes", "ACCEPT\tnet\t$NOPE"),
        (
            "LOGFORMAT=\"Shorewall:%s:%s:\"",
            "ACCEPT:info:longtag\tnet\t$FW",
        ),
        (
            "LOGTAGONLY=Yes",
            "ACCEPT:info:toolongprefixxxxxxxxxxxxxxxxxxx\tnet\t$FW",
        ),
        ("LOGTAGONLY=Yes", "ACCEPT:info:tag\tnet\t$FW"),
        ("ZONE2ZONE=2", "ACCEPT:info:averylongtagx\tnet\t$FW"),
        ("LOG_LEVEL=NFLOG(1)", "ACCEPT:$LOG_LEVEL\tnet\t$FW"),
        ("AUTOCOMMENT=No", "SSH(ACCEPT)\tnet\t$FW"),
        (
            "MANGLE_ENABLED=No",
            "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t1",
        ),
        (
            "HELPERS=tftp",
            "HELPER\tnet\t$FW\ttcp\t21\t-\t-\t-\t-\t-\t-\t-\t-\t-\tftp",
        ),
        (
            "AUTOHELPERS=No",
            "ACCEPT\tnet\t$FW\ttcp\t21\t-\t-\t-\t-\t-\t-\t-\t-\t-\tftp",
        ),
        ("IMPLICIT_CONTINUE=Yes", "ACCEPT\tnet\t$FW"),
        ("BLACKLIST=ALL", "DROP\tnet\tall"),
        ("DYNAMIC_BLACKLIST=No", "BLACKLIST\tnet\t$FW"),
        (
            "OPTIMIZE=0",
            "ACCEPT\tnet\t$FW\ttcp\t1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
        ),
        ("FASTACCEPT=Yes", "?SECTION NEW"),
    ];
    for (setting, rule) in pairs {
        let (file, op) = if *rule == "?SECTION NEW" {
            ("rules", Op::After("?SECTION UNTRACKED".to_owned()))
        } else {
            ("rules", Op::Append)
        };
        res.push(Variant::new(
            base,
            vec![
                Edit::new(conf, Op::Set, *setting),
                Edit::new(file, op, *rule),
            ],
        ));
    }
    // Long zone names and LOGFORMAT.
    let ip = if base.is_ipv4() { "ipv4" } else { "ipv6" };
    for format in [
        "LOGFORMAT=\"Shorewall:%s:%s:\"",
        "LOGFORMAT=\"%s %s \"",
        "LOGFORMAT=\"%s:%s\"",
        "LOGFORMAT=\"fw:%s:%s:\"",
    ] {
        for zone in ["abcde", "abcdef", "abcdefgh", "abcdefghij", "abcdefghijk"] {
            res.push(Variant::new(
                base,
                vec![
                    Edit::new(conf, Op::Set, format),
                    Edit::new("zones", Op::Append, format!("{zone}\t{ip}")),
                ],
            ));
        }
    }
}

/// Macros and actions of the directory.
fn library(base: Base, res: &mut Vec<Variant>) {
    let v4 = base.is_ipv4();
    let macros: &[(&str, &str)] = &[
        ("PARAM\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\t-\t-\ttcp\t2222", "Foo\tnet\t$FW"),
        ("PARAM\t-\t-\ttcp\t2222", "Foo(DROP):info\tnet\t$FW"),
        ("PARAM\t-\t-\ttcp\t2222", "Foo(BOGUS)\tnet\t$FW"),
        ("ACCEPT\t-\t-\ttcp\t2222", "Foo\tnet\t$FW"),
        ("ACCEPT\t-\t-\ttcp\t2222", "Foo(DROP)\tnet\t$FW"),
        ("BOGUS\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\t-\t-\ttcp\t99999", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\t-\t-\tbogus", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\tbogus\t-\ttcp\t22", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\tSOURCE\tDEST\ttcp\t22", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\tDEST\tSOURCE\ttcp\t22", "Foo(ACCEPT)\tnet\t$FW"),
        (
            "PARAM\t-\t-\ttcp\t22\nPARAM\t-\t-\tudp\t22",
            "Foo(ACCEPT)\tnet\t$FW",
        ),
        ("SSH(PARAM)", "Foo(ACCEPT)\tnet\t$FW"),
        ("SSH", "Foo(ACCEPT)\tnet\t$FW"),
        ("Foo(PARAM)", "Foo(ACCEPT)\tnet\t$FW"),
        ("DEFAULTS DROP\nPARAM\t-\t-\ttcp\t2222", "Foo\tnet\t$FW"),
        ("DEFAULT DROP\nPARAM\t-\t-\ttcp\t2222", "Foo\tnet\t$FW"),
        ("?FORMAT 2\nPARAM\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\t$FW"),
        (
            "PARAM\t-\t-\ttcp\t2222\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\textra",
            "Foo(ACCEPT)\tnet\t$FW",
        ),
        ("PARAM:info\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM:bogus\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\t$FW"),
        (
            "?COMMENT x\nPARAM\t-\t-\ttcp\t2222",
            "Foo(ACCEPT)\tnet\t$FW",
        ),
        ("PARAM\t-\t-\ttcp\t$NOPE", "Foo(ACCEPT)\tnet\t$FW"),
        (
            "?SECTION NEW\nPARAM\t-\t-\ttcp\t2222",
            "Foo(ACCEPT)\tnet\t$FW",
        ),
        ("", "Foo(ACCEPT)\tnet\t$FW"),
        ("PARAM\t-\t-\ttcp\t2222", "Foo/ACCEPT\tnet\t$FW"),
        ("PARAM\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\tbogus"),
        ("PARAM\t-\t-\ttcp\t2222", "Foo(ACCEPT)\tnet\t$FW\tudp"),
    ];
    for (body, rule) in macros {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("macro.Foo", Op::Create, *body),
                Edit::new("rules", Op::Append, *rule),
            ],
        ));
    }
    // A macro shadowing a standard one.
    res.push(Variant::new(
        base,
        vec![
            Edit::new("macro.SSH", Op::Create, "PARAM\t-\t-\ttcp\t2222"),
            Edit::new("rules", Op::Append, "SSH(ACCEPT)\tnet\t$FW"),
        ],
    ));
    res.push(Variant::new(
        base,
        vec![
            Edit::new("macro.SSH", Op::Create, "BOGUS\t-\t-\ttcp\t2222"),
            Edit::new("rules", Op::Append, "SSH(ACCEPT)\tnet\t$FW"),
        ],
    ));
    let addr = if v4 { "10.0.0.1" } else { "2001:db8::1" };
    let actions: Vec<(&str, String, &str)> = vec![
        ("Foo", "ACCEPT\t-\t-\ttcp\t2222".into(), "Foo\tnet\t$FW"),
        (
            "Foo",
            "ACCEPT\t-\t-\ttcp\t2222".into(),
            "Foo:info\tnet\t$FW",
        ),
        ("Foo", "ACCEPT\t-\t-\ttcp\t99999".into(), "Foo\tnet\t$FW"),
        ("Foo", "BOGUS\t-\t-\ttcp\t2222".into(), "Foo\tnet\t$FW"),
        ("Foo", "$1\t-\t-\ttcp\t2222".into(), "Foo(ACCEPT)\tnet\t$FW"),
        ("Foo", "$1\t-\t-\ttcp\t2222".into(), "Foo\tnet\t$FW"),
        (
            "Foo",
            "DEFAULTS DROP\n$1\t-\t-\ttcp\t2222".into(),
            "Foo\tnet\t$FW",
        ),
        (
            "Foo",
            "DEFAULTS DROP\n$1\t-\t-\ttcp\t2222".into(),
            "Foo(ACCEPT)\tnet\t$FW",
        ),
        (
            "Foo",
            "DEFAULTS DROP\n$1\t-\t-\ttcp\t2222".into(),
            "Foo(BOGUS)\tnet\t$FW",
        ),
        (
            "Foo",
            "DEFAULTS DROP,22\n$1\t-\t-\ttcp\t$2".into(),
            "Foo(ACCEPT,99999)\tnet\t$FW",
        ),
        (
            "Foo",
            "DEFAULTS DROP,22\n$1\t-\t-\ttcp\t$2".into(),
            "Foo(ACCEPT,-)\tnet\t$FW",
        ),
        (
            "Foo",
            "DEFAULTS DROP,22\n$1\t-\t-\ttcp\t$2".into(),
            "Foo(ACCEPT,80)\tnet\t$FW",
        ),
        (
            "Foo",
            "DEFAULTS DROP\n?IF passed(@1)\nACCEPT\t-\t-\ttcp\t22\n?ENDIF".into(),
            "Foo\tnet\t$FW",
        ),
        ("Foo", "@1\t-\t-\ttcp\t2222".into(), "Foo(ACCEPT)\tnet\t$FW"),
        ("Foo", "ACCEPT\t-\t-\ttcp\t$3".into(), "Foo(a,b)\tnet\t$FW"),
        ("Foo", format!("ACCEPT\t-\t{addr}"), "Foo\tnet\t$FW"),
        (
            "Foo",
            "ACCEPT\t-\t-\ttcp\t2222".into(),
            "Foo(x,y)\tnet\t$FW",
        ),
        ("Foo", "SSH(ACCEPT)".into(), "Foo\tnet\t$FW"),
        ("Foo", "Foo".into(), "Foo\tnet\t$FW"),
        ("Foo", "DNAT\t-\tloc:10.0.0.1".into(), "Foo\tnet\t$FW"),
        (
            "Foo",
            "ACCEPT\t-\t-\ttcp\t2222\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\textra".into(),
            "Foo\tnet\t$FW",
        ),
        ("Foo", "".into(), "Foo\tnet\t$FW"),
        ("Foo", "?FORMAT 2\nACCEPT".into(), "Foo\tnet\t$FW"),
        (
            "Foo",
            "INLINE\t-\t-\ttcp\t2222 ;; -m comment --comment x".into(),
            "Foo\tnet\t$FW",
        ),
        ("Foo", "ACCEPT\t$NOPE".into(), "Foo\tnet\t$FW"),
        ("Foo", "ACCEPT".into(), "Foo\tnet\tbogus"),
        ("Foo", "ACCEPT".into(), "Foo\tnet\t$FW\ttcp\t22"),
        ("Foo", "ACCEPT".into(), "Foo\tnet\t$FW\tbogus"),
        ("Foo", "ACCEPT".into(), "Foo(ACCEPT)\tnet\t$FW"),
    ];
    for (name, body, rule) in &actions {
        for declaration in [
            *name,
            &format!("{name}\tinline"),
            &format!("{name}\tnoinline"),
        ] {
            res.push(Variant::new(
                base,
                vec![
                    Edit::new("actions", Op::Append, declaration.to_string()),
                    Edit::new(&format!("action.{name}"), Op::Create, body.clone()),
                    Edit::new("rules", Op::Append, *rule),
                ],
            ));
        }
    }
    for declaration in [
        "Foo\tbogus",
        "Foo\tproto=6",
        "Foo\tstate=NEW",
        "Foo\tsection",
        "Foo\tbuiltin",
        "Foo\tnolog",
        "Foo\tterminating",
        "Foo\taudit",
        "Foo\tlogjump",
        "Foo\tmangle",
        "Foo\tnat",
        "Foo\tinline,noinline",
        "1Foo",
        "Foo-bar",
        "Foo.bar",
        "ACCEPT",
        "SSH",
        "Foo Bar",
        "Foo\t-\textra",
    ] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("actions", Op::Append, declaration),
                Edit::new(
                    &format!("action.{}", declaration.split('\t').next().unwrap_or("Foo")),
                    Op::Create,
                    "ACCEPT",
                ),
            ],
        ));
    }
    // An action declared without its file, and a file without its declaration.
    res.push(Variant::new(
        base,
        vec![Edit::new("actions", Op::Append, "Foo")],
    ));
    res.push(Variant::new(
        base,
        vec![
            Edit::new("action.Foo", Op::Create, "ACCEPT"),
            Edit::new("rules", Op::Append, "Foo\tnet\t$FW"),
        ],
    ));
    // Actions used in sections and policies.
    for (declaration, rule_after, rule) in [
        ("Foo\tsection", "?SECTION ESTABLISHED", "Foo\tnet\t$FW"),
        ("Foo", "?SECTION ESTABLISHED", "Foo\tnet\t$FW"),
    ] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("actions", Op::Append, declaration),
                Edit::new("action.Foo", Op::Create, "ACCEPT"),
                Edit::new("rules", Op::After(rule_after.to_owned()), rule),
            ],
        ));
    }
    for policy in ["dmz\tloc\tDROP:Foo", "dmz\tloc\tDROP:Foo(x)"] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("actions", Op::Append, "Foo"),
                Edit::new("action.Foo", Op::Create, "DROP"),
                Edit::new("policy", Op::Before("all\t".to_owned()), policy),
            ],
        ));
    }
}

/// Random rules lines, each column from its forms.
fn random_lines(base: Base, count: usize, res: &mut Vec<Variant>) {
    let f = forms(base);
    let mut rng = Rng(if base.is_ipv4() {
        0x5eed_0004
    } else {
        0x5eed_0006
    });
    let simple_actions = [
        "ACCEPT",
        "DROP",
        "REJECT",
        "ACCEPT:info",
        "DROP:info",
        "SSH(ACCEPT)",
        "DNS(ACCEPT)",
        "Ping(ACCEPT)",
        "Web(ACCEPT)",
        "REJECT:warning",
        "CONTINUE",
        "LOG:info",
        "DNAT",
    ];
    let simple_zones = ["net", "loc", "dmz", "$FW", "all"];
    for _ in 0..count {
        let mut cols: Vec<String> = Vec::new();
        cols.push(if rng.chance(60) {
            rng.pick(&simple_actions).to_owned()
        } else {
            rng.pick(f.action).to_owned()
        });
        for side in 0..2 {
            let value = if rng.chance(55) {
                rng.pick(&simple_zones).to_owned()
            } else if rng.chance(70) {
                rng.pick(f.source).to_owned()
            } else if side == 1 && rng.chance(50) {
                rng.pick(f.dest).to_owned()
            } else {
                rng.pick(f.zone).to_owned()
            };
            cols.push(value);
        }
        let proto = if rng.chance(60) {
            rng.pick(&["tcp", "udp", "-", "tcp,udp"]).to_owned()
        } else {
            rng.pick(f.proto).to_owned()
        };
        let icmp = proto.contains("icmp") || proto == "1" || proto == "58";
        cols.push(proto);
        cols.push(if rng.chance(30) {
            "-".to_owned()
        } else if icmp {
            rng.pick(f.icmp).to_owned()
        } else {
            rng.pick(f.dport).to_owned()
        });
        let optional: [(&[&str], u64); 10] = [
            (f.sport, 15),
            (f.origdest, 5),
            (f.rate, 12),
            (f.user, 6),
            (f.mark, 6),
            (f.connlimit, 6),
            (f.time, 6),
            (f.headers, 5),
            (f.switch, 5),
            (f.helper, 4),
        ];
        for (values, percent) in optional {
            cols.push(if rng.chance(percent) {
                rng.pick(values).to_owned()
            } else {
                "-".to_owned()
            });
        }
        let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        res.push(rules(base, line(&refs)));
    }
}

/// A few variants of the almost empty shorewall6.conf (built-in defaults apply).
fn defaults(res: &mut Vec<Variant>) {
    let base = Base::Defaults6;
    for text in [
        "ACCEPT\tnet:$NOPE\t$FW",
        "ACCEPT\tnet\t$FW\ttcp\t$NOPE",
        "$NOPE\tnet\t$FW",
        "ACCEPT:info\tnet\t$FW",
        "ACCEPT:info:tag\tnet\t$FW",
        "ACCEPT:info:longertag\tnet\t$FW",
        "ACCEPT:$LOG_LEVEL\tnet\t$FW",
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/min",
        "Broadcast(DROP)\tnet\t$FW",
        "ACCEPT\tnet\t$FW\ttcp\t1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
        "?SECTION ESTABLISHED",
        "ACCEPT\tnet:10.0.0.1\t$FW",
        "BLACKLIST\tnet\t$FW",
    ] {
        res.push(rules(base, text));
    }
    for zone in ["abcde\tipv6", "abcdef\tipv6", "abcdefghij\tipv6"] {
        res.push(Variant::new(
            base,
            vec![Edit::new("zones", Op::Append, zone)],
        ));
    }
    for setting in [
        "OPTIMIZE=bogus",
        "FOOBAR=1",
        "LOGFORMAT=\"%s %s \"",
        "IGNOREUNKNOWNVARIABLES=No",
        "FASTACCEPT=Yes",
        "DROP_DEFAULT=Drop",
    ] {
        res.push(Variant::new(
            base,
            vec![Edit::new("shorewall6.conf", Op::Append, setting)],
        ));
    }
    res.push(Variant::new(
        base,
        vec![
            Edit::new("shorewall6.conf", Op::Append, "IGNOREUNKNOWNVARIABLES=No"),
            Edit::new("rules", Op::Append, "ACCEPT\tnet:$NOPE\t$FW"),
        ],
    ));
    res.push(Variant::new(
        base,
        vec![
            Edit::new("shorewall6.conf", Op::Append, "FASTACCEPT=Yes"),
            Edit::new(
                "rules",
                Op::After("?SECTION ESTABLISHED".to_owned()),
                "ACCEPT\tnet\t$FW\ttcp\t22",
            ),
        ],
    ));
    res.push(Variant::new(
        base,
        vec![Edit::new("shorewall6.conf", Op::Create, "")],
    ));
}

/// Mistakes admins make: misspelled options and keywords, a column too many or too few,
/// addresses of the other family, bad port ranges and log levels, misplaced `?SECTION`s,
/// broken `?IF` nesting and bad params lines.
fn admin_mistakes(base: Base, res: &mut Vec<Variant>) {
    let v4 = base.is_ipv4();
    let ip = if v4 { "ipv4" } else { "ipv6" };
    let (iface, other_addr, other_net, addr, net) = if v4 {
        (
            "NET_IF",
            "2001:db8::1",
            "2001:db8::/32",
            "10.0.0.1",
            "10.0.0.0/8",
        )
    } else {
        (
            "eth0",
            "10.0.0.1",
            "10.0.0.0/8",
            "2001:db8::1",
            "2001:db8::/32",
        )
    };
    let one =
        |file: &str, op: Op, text: String| Variant::new(base, vec![Edit::new(file, op, text)]);
    // Misspelled interface options, and a column too many or too few.
    for option in [
        "tcpflag",
        "tcpflgs",
        "routefiltre",
        "dhcpp",
        "nosmurf",
        "logmartian",
        "routback",
        "blacklst",
        "sourceroute=3",
        "forward=2",
        "optional=1",
        "Tcpflags",
        "tcpflags,",
        ",tcpflags",
        "tcpflags,,dhcp",
        "tcpflags dhcp",
        "dhcp;tcpflags",
        "mss=",
        "mss=-1",
        "mss=99999999",
        "physical=eth0,physical=eth9",
        "wait=-1",
        "wait=x",
        "nets=",
        "bridge",
        "unmanaged",
        "unmanaged,tcpflags",
        "upnp",
        "upnpclient",
    ] {
        res.push(one(
            "interfaces",
            Op::Append,
            format!("dmz\teth3\t{option}"),
        ));
    }
    for text in [
        "dmz".to_owned(),
        "dmz\teth3\ttcpflags\textra".to_owned(),
        "dmz\teth3\t-\ttcpflags".to_owned(),
        "eth3\tdmz".to_owned(),
        format!("dmz\teth3\tnets={other_net}"),
        format!("dmz\teth3\tnets={net},{other_net}"),
        format!("dmz\teth3\tnets=!{net}"),
    ] {
        res.push(one("interfaces", Op::Append, text));
    }
    // Misspelled zone types and options, columns.
    for text in [
        format!("foo\t{ip}s"),
        "foo\tipsek".to_owned(),
        "foo\tfirewal".to_owned(),
        "foo\tbport8".to_owned(),
        format!("foo\t{ip}\tmss=1400,"),
        format!("foo\t{ip}\tmss=1400,bogus"),
        format!("foo\t{ip}\tmss1400"),
        format!("foo\t{ip}\t-\t-\tmss=1400\textra"),
        format!("foo\t{ip}\tin"),
        format!("foo\t{ip}\tdynamic_shared,mss=1400"),
        format!("foo\t{ip}\tnomark\tnomark"),
        format!("Foo:net\t{ip}"),
        format!("foo:\t{ip}"),
        format!("foo,bar\t{ip}"),
    ] {
        res.push(one("zones", Op::Append, text));
    }
    // Hosts: misspelled options, other family, columns.
    let host_iface = if v4 { "LOC_IF" } else { "eth1" };
    let host_net = if v4 {
        "10.1.0.0/16".to_owned()
    } else {
        "[2001:db8:1::]/48".to_owned()
    };
    let other_host = if v4 { "[2001:db8::]/32" } else { "10.0.0.0/8" };
    for text in [
        format!("dmz\t{host_iface}:{host_net}\troutback"),
        format!("dmz\t{host_iface}:{host_net}\tblacklst"),
        format!("dmz\t{host_iface}:{host_net}\tbroadcast"),
        format!("dmz\t{host_iface}:{host_net}\tmss=1400"),
        format!("dmz\t{host_iface}:{host_net}\tipsec"),
        format!("dmz\t{host_iface}:{host_net}\ttcpflags,routeback"),
        format!("dmz\t{host_iface}:{other_host}"),
        format!("dmz\t{host_iface}:{host_net},{other_host}"),
        format!("dmz\t{host_iface}"),
        format!("dmz\t{host_iface}:"),
        format!("dmz\teth9:{host_net}"),
        format!("dmz\t{host_iface}:{host_net}\t-\textra"),
        format!("bogus\t{host_iface}:{host_net}"),
        format!("dmz\t{host_iface}:!{host_net}"),
        format!("dmz\t{host_iface}:+myset"),
        format!("dmz\t{host_iface}:{host_net}\tnosmurfs"),
    ] {
        res.push(one("hosts", Op::Append, text));
    }
    // Policy: misspelled policies and levels, columns.
    for text in [
        "dmz\tloc\tACCPET",
        "dmz\tloc\tDROPP",
        "dmz\tloc\taccept",
        "dmz\tloc\tReject",
        "dmz\tloc\tDROP\tinfoo",
        "dmz\tloc\tDROP\twarnig",
        "dmz\tloc\tDROP\tINFO",
        "dmz\tloc\tDROP\t8",
        "dmz\tloc\tDROP\t7",
        "dmz\tloc\tDROP\tinfo:tag",
        "dmz\tloc\tDROP\tnone!",
        "dmz\tloc\tDROP:Broadcast",
        "dmz\tloc\tDROP:Bogus",
        "dmz\tloc\tDROP:none",
        "dmz\tloc\tDROP\t-\t10/sec:40",
        "dmz\tloc\tDROP\t-\t10/sec:40\textra",
        "dmz\tloc\tDROP\t-\t-\t10/min\textra",
        "dmz\tloc\tDROP\t-\tbogus",
        "dmz\tloc",
        "dmz",
        "dmz\tloc\tACCEPT\tinfo\tDROP",
        "dmz\tbogus\tDROP",
        "dmz\t$FW\tCONTINUE",
        "dmz\tloc\tNFQUEUE(5)",
        "dmz\tloc\tQUEUE",
        "dmz\tloc\tBLACKLIST",
        "dmz\tloc\tNONE",
    ] {
        res.push(one("policy", Op::Before("all".into()), text.to_owned()));
    }
    // Rules: addresses of the other family, bad port ranges, unknown log levels.
    for text in [
        format!("ACCEPT\tnet:{other_addr}\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet\tloc:{other_addr}\ttcp\t22"),
        format!("ACCEPT\tnet:{other_net}\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:{addr},{other_addr}\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:!{other_addr}\t$FW\ttcp\t22"),
        format!("DNAT\tnet\tloc:{other_addr}\ttcp\t80"),
        format!("ACCEPT\tnet\t$FW\ttcp\t22\t-\t{other_addr}"),
        format!("ACCEPT\t$FW\tnet:{iface}:{other_addr}\ttcp\t22"),
        "ACCEPT\tnet\t$FW\ttcp\t1024:80".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t0:10".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t1:65536".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22-".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t:22".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22::23".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t1-2-3".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t80:80".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22,100:90".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\tssh:http".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\thttp:ssh".to_owned(),
        "ACCEPT\tnet\t$FW\tudp\t-\t1024-".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t-\t65535:1024".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp,udp\t53:52".to_owned(),
        "ACCEPT:infoo\tnet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT:inf\tnet\t$FW\ttcp\t22".to_owned(),
        "DROP:8\tnet\t$FW\ttcp\t22".to_owned(),
        "DROP:7\tnet\t$FW\ttcp\t22".to_owned(),
        "DROP:Info\tnet\t$FW\ttcp\t22".to_owned(),
        "LOG:debugg\tnet\t$FW\ttcp\t22".to_owned(),
        "LOG\tnet\t$FW\ttcp\t22".to_owned(),
        "LOG:\tnet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT:info:\tnet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT:info:tag:extra\tnet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT:NFLOG(70000)\tnet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT:NFLOG(1,2,3,4)\tnet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT:ULOG\tnet\t$FW\ttcp\t22".to_owned(),
        "SSH(ACCEPT):infoo\tnet\t$FW".to_owned(),
        "SSH(ACCEPT:infoo)\tnet\t$FW".to_owned(),
        "ACCPET\tnet\t$FW\ttcp\t22".to_owned(),
        "Accept\tnet\t$FW\ttcp\t22".to_owned(),
        "SSh(ACCEPT)\tnet\t$FW".to_owned(),
        "SSH(ACCPET)\tnet\t$FW".to_owned(),
        "SSH\tnet\t$FW".to_owned(),
        "ACCEPT\tnet\t$FW\tTCP\t22".to_owned(),
        "ACCEPT\tnet\t$FW\ttcpp\t22".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\textra".to_owned(),
        "ACCEPT\tnet".to_owned(),
        "ACCEPT".to_owned(),
        "ACCEPT\tnet\tnet2\ttcp\t22".to_owned(),
        "ACCEPT\tnet\tfw\ttcp\t22".to_owned(),
    ] {
        res.push(one("rules", Op::Append, text));
    }
    // ?SECTION where it does not belong, twice, out of order, misspelled.
    for (file, text) in [
        ("zones", "?SECTION NEW"),
        ("interfaces", "?SECTION NEW"),
        ("policy", "?SECTION NEW"),
        ("hosts", "?SECTION NEW"),
        ("rules", "?SECTION NEWW"),
        ("rules", "?SECTION new"),
        ("rules", "?section NEW"),
        ("rules", "?SECTION ALL"),
        ("rules", "?SECTION ESTABLISHED"),
        ("rules", "?SECTION INVALID\nDROP\tnet\t$FW"),
        ("rules", "?SECTION NEW\n?SECTION NEW"),
        ("rules", "?SECTION NEW extra"),
        ("rules", "?SECTION\tNEW"),
        ("rules", "?SECTION NEW # comment"),
        ("rules", "?SECTION NEW,ALL"),
    ] {
        res.push(one(file, Op::Append, text.to_owned()));
    }
    for text in [
        "?SECTION ESTABLISHED\nACCEPT\tnet\t$FW\ttcp\t22",
        "?SECTION RELATED\nACCEPT\tnet\t$FW\ttcp\t22",
        "?SECTION ALL\nACCEPT\tnet\t$FW\ttcp\t22",
        "?SECTION NEW\nACCEPT\tnet\t$FW\ttcp\t22\n?SECTION ALL",
    ] {
        res.push(one("rules", Op::Create, text.to_owned()));
    }
    // ?IF nesting.
    for (file, text) in [
        ("rules", "?ELSE"),
        ("rules", "?ENDIF"),
        ("rules", "?ELSIF __IPV4"),
        ("rules", "?IF __IPV4\n?ELSE\n?ELSE\n?ENDIF"),
        ("rules", "?IF __IPV4\n?ELSE\n?ELSIF __IPV6\n?ENDIF"),
        ("rules", "?IF __IPV4\n?ENDIF\n?ENDIF"),
        ("rules", "?IF __IPV4\nACCEPT\tnet\t$FW\ttcp\t22"),
        ("rules", "?IF __IPV4\n?IF __IPV6\n?ENDIF"),
        (
            "rules",
            "?IF __IPV4\n?IF __IPV6\n?ELSE\n?ENDIF\n?ELSE\n?ENDIF",
        ),
        ("rules", "?IF 1\n?IF 0\nACCPET\tnet\t$FW\n?ENDIF\n?ENDIF"),
        ("rules", "?IF 0\n?IF 1\nACCPET\tnet\t$FW\n?ENDIF\n?ENDIF"),
        ("rules", "?IF 0\n?ELSE\nACCPET\tnet\t$FW\n?ENDIF"),
        ("rules", "?IF 1\n?ELSE\nACCPET\tnet\t$FW\n?ENDIF"),
        (
            "rules",
            "?IF 0\nACCEPT\tnet\t$FW\n?ELSIF 1\nACCPET\tnet\t$FW\n?ENDIF",
        ),
        ("rules", "?IF $BOGUSVAR\nACCPET\tnet\t$FW\n?ENDIF"),
        ("rules", "?IF !$BOGUSVAR\nACCPET\tnet\t$FW\n?ENDIF"),
        ("rules", "?IF __BOGUS\n?ENDIF"),
        ("rules", "?IF __IPV6 &&\n?ENDIF"),
        ("rules", "?IF (__IPV6\n?ENDIF"),
        ("rules", "?IF __IPV6 and __IPV4\n?ENDIF"),
        ("rules", "?IF __IPV6 == 1\n?ENDIF"),
        ("rules", "?IF \"a\" eq \"a\"\n?ENDIF"),
        ("zones", "?IF __IPV4\n?ENDIF"),
        ("zones", "?ELSE"),
        ("interfaces", "?IF __IPV4\ndmz\teth3\n?ENDIF"),
        ("interfaces", "?ENDIF"),
        ("policy", "?IF __IPV4\n?ELSE"),
        ("params", "?IF __IPV4\nX=1\n?ENDIF"),
        ("params", "?IF __IPV4\nX=1"),
        ("params", "?ENDIF"),
        ("hosts", "?IF 1\n?ENDIF\n?ENDIF"),
        ("shorewall.conf", "?IF 1\n?ENDIF"),
    ] {
        let file = if file == "shorewall.conf" {
            base.conf()
        } else {
            file
        };
        res.push(one(file, Op::Append, text.to_owned()));
    }
    // Bad params lines, used in a rule.
    for text in [
        format!("SRV = {addr}"),
        format!("SRV= {addr}"),
        format!("SRV ={addr}"),
        format!("1SRV={addr}"),
        format!("SRV-X={addr}"),
        format!("SRV=\"{addr}"),
        format!("SRV='{addr}"),
        format!("export SRV={addr}"),
        format!("SRV={addr} # comment"),
        format!("SRV=\"{addr} {addr}\""),
        format!("SRV={other_addr}"),
        "SRV=${NOPE}".to_owned(),
        "SRV=$NOPE".to_owned(),
        format!("SRV={addr}\nSRV=$SRV,{addr}"),
        "SRV=".to_owned(),
        "SRV".to_owned(),
        format!("srv={addr}"),
        format!("SRV+={addr}"),
        format!("SRV:={addr}"),
        format!("SRV=<{addr}>"),
        format!("readonly SRV={addr}"),
        format!("SRV={addr}; echo"),
    ] {
        res.push(Variant::new(
            base,
            vec![
                Edit::new("params", Op::Append, text),
                Edit::new("rules", Op::Append, "ACCEPT\tnet:$SRV\t$FW\ttcp\t22"),
            ],
        ));
    }
}

/// More of admins' mistakes: shorewall.conf syntax, misspelled zones and interfaces in
/// rules, ICMP types, rates, comments and continuations, ipsets, DNAT targets.
fn admin_mistakes_more(base: Base, res: &mut Vec<Variant>) {
    let v4 = base.is_ipv4();
    let conf = base.conf();
    let (addr, other_addr) = if v4 {
        ("10.0.0.1", "2001:db8::1")
    } else {
        ("2001:db8::1", "10.0.0.1")
    };
    let one =
        |file: &str, op: Op, text: String| Variant::new(base, vec![Edit::new(file, op, text)]);
    for text in [
        "OPTIMIZE = 1",
        "OPTIMIZE= 1",
        "OPTIMIZE =1",
        "optimize=1",
        "Optimize=1",
        "OPTIMIZE=1 # comment",
        "OPTIMIZE=\"1\"",
        "OPTIMIZE='1'",
        "OPTIMIZE=1  ",
        "OPTIMISE=1",
        "STARTUP_ENABLED=yes",
        "STARTUP_ENABLED=Maybe",
        "IP_FORWARDING=On",
        "IP_FORWARDING=Keep",
        "IP_FORWARDING=bogus",
        "LOGFORMAT='%s %s '",
        "LOGFORMAT=%s %s",
        "LOG_MARTIANS=Keep",
        "LOG_MARTIANS=maybe",
        "ROUTE_FILTER=Keep",
        "ROUTE_FILTER=2",
        "CLAMPMSS=Yes",
        "CLAMPMSS=1400",
        "CLAMPMSS=bogus",
        "BLACKLIST=ALL",
        "BLACKLIST=NEW,INVALID",
        "BLACKLIST=bogus",
        "MACLIST_TABLE=mangle",
        "MACLIST_TABLE=nat",
        "MACLIST_DISPOSITION=ACCEPT",
        "MACLIST_DISPOSITION=bogus",
        "TCP_FLAGS_DISPOSITION=ACCEPT",
        "TCP_FLAGS_DISPOSITION=bogus",
        "SMURF_DISPOSITION=bogus",
        "RELATED_DISPOSITION=bogus",
        "INVALID_DISPOSITION=CONTINUE",
        "INVALID_DISPOSITION=bogus",
        "UNTRACKED_DISPOSITION=bogus",
        "ADMINISABSENTMINDED=maybe",
        "AUTOCOMMENT=No",
        "AUTOCOMMENT=bogus",
        "EXPAND_POLICIES=bogus",
        "MUTEX_TIMEOUT=x",
        "MUTEX_TIMEOUT=-1",
        "LOGLIMIT=bogus",
        "LOGLIMIT=10/sec",
        "LOGLIMIT=s:10/sec:20",
        "LOGLIMIT=d:10/sec",
        "LOGLIMIT=10/fortnight",
        "ACCOUNTING_TABLE=bogus",
        "DISABLE_IPV6=Yes",
        "MARK_IN_FORWARD_CHAIN=bogus",
        "DYNAMIC_BLACKLIST=Yes",
        "DYNAMIC_BLACKLIST=bogus",
        "DOCKER=Yes",
        "DOCKER=bogus",
        "KEEP_RT_TABLES=maybe",
        "NULL_ROUTE_RFC1918=bogus",
        "TC_ENABLED=bogus",
        "TC_ENABLED=Simple",
        "RESTORE_DEFAULT_ROUTE=bogus",
        "LOAD_HELPERS_ONLY=bogus",
        "HELPERS=ftp,bogus",
        "HELPERS=ftp",
        "AUTOHELPERS=bogus",
        "REJECT_ACTION=Bogus",
        "BOGUS_OPTION=1",
        "=1",
        "OPTIMIZE",
        "export OPTIMIZE=1",
    ] {
        res.push(one(conf, Op::Append, text.to_owned()));
    }
    for text in [
        "ACCEPT\tnett\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tNet\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet\t$fw\ttcp\t22".to_owned(),
        "ACCEPT\tnet\tFW\ttcp\t22".to_owned(),
        "ACCEPT\tnet\t$FW:\ttcp\t22".to_owned(),
        "ACCEPT\tnet:wlan0\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet:eth0.100\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet:eth+\t$FW\ttcp\t22".to_owned(),
        format!("ACCEPT\tnet:{addr}/33\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:{addr}/129\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:{addr}/-1\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:{addr}-{addr}\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:{addr},\t$FW\ttcp\t22"),
        format!("ACCEPT\tnet:{addr}\t$FW:{other_addr}\ttcp\t22"),
        "ACCEPT\tnet:256.1.1.1\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet:2001:db8::g\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet:2001:db8:::1\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet:[2001:db8::1]/64\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet:<2001:db8::1>/64\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet\t$FW\ticmp\t8".to_owned(),
        "ACCEPT\tnet\t$FW\ticmp\techo-request".to_owned(),
        "ACCEPT\tnet\t$FW\ticmp\techo-requestt".to_owned(),
        "ACCEPT\tnet\t$FW\tipv6-icmp\t128".to_owned(),
        "ACCEPT\tnet\t$FW\tipv6-icmp\techo-request".to_owned(),
        "ACCEPT\tnet\t$FW\ticmp6\t128".to_owned(),
        "ACCEPT\tnet\t$FW\t58\t128/0".to_owned(),
        "ACCEPT\tnet\t$FW\t1\t8/0".to_owned(),
        "ACCEPT\tnet\t$FW\ticmp\t8,0".to_owned(),
        "ACCEPT\tnet\t$FW\ticmp\t256".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/min:5".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/minute".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/mins".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/hour".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/day".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/week".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t/min".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/min:".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t3/min:x".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\td:3/min".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\tx:name:3/min".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\ts:na-me:3/min".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22 # ssh".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22# ssh".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22 ; # ssh".to_owned(),
        "ACCEPT\tnet\t$FW\t\\\ntcp\t22".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22,\\\n23".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22 \\".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22 \\ # c\n23".to_owned(),
        "ACCEPT\tnet:+myset\t$FW\ttcp\t22".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\troot".to_owned(),
        "ACCEPT\t$FW\tnet\ttcp\t22\t-\t-\t-\troot".to_owned(),
        "ACCEPT\t$FW\tnet\ttcp\t22\t-\t-\t-\t:root".to_owned(),
        "ACCEPT\t$FW\tnet\ttcp\t22\t-\t-\t-\tnosuchuser".to_owned(),
        "ACCEPT\t$FW\tnet\ttcp\t22\t-\t-\t-\t+root".to_owned(),
        format!("DNAT\tnet\tloc:{addr}:8080\ttcp\t80"),
        format!("DNAT\tnet\tloc:{addr}:80-90\ttcp\t80"),
        format!("DNAT\tnet\tloc:{addr}:99999\ttcp\t80"),
        format!("DNAT\tnet\tloc:{addr}:http\ttcp\t80"),
        format!("DNAT\tnet\tloc:[{addr}]:8080\ttcp\t80"),
        "DNAT\tnet\tloc\ttcp\t80".to_owned(),
        "DNAT\tnet\tloc:bogus\ttcp\t80".to_owned(),
        format!("REDIRECT\tnet\t{addr}\ttcp\t80"),
        "REDIRECT\tnet\t3128\ttcp\t80".to_owned(),
        "REDIRECT\tnet\t99999\ttcp\t80".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t0x1/0xff".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t!1".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t10".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t10:24".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\ts:10".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\tweekdays=Mon".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\tweekdays=Monday".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\ttimestart=8:00".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\ttimestart=08:00&timestop=17:00".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\tutc&weekdays=Sat,Sun".to_owned(),
        "ACCEPT\tnet\t$FW\ttcp\t22\t-\t-\t-\t-\t-\t-\tdatestart=2026-13-01".to_owned(),
    ] {
        res.push(one("rules", Op::Append, text));
    }
}

/// Lines of the files only the compiler reads (masq, snat, conntrack, nat, netmap, mangle,
/// accounting, tunnels), right and wrong: `check` reports their mistakes from the compile
/// stage. IPv6 only (the compiler makes ip6tables rules).
fn compiler_files(base: Base, res: &mut Vec<Variant>) {
    let one = |file: &str, text: &str| {
        Variant::new(
            base,
            vec![Edit::new(file, Op::Create, text.replace(' ', "\t"))],
        )
    };
    for text in [
        "eth0 2001:db8:1::/64",
        "eth0 2001:db8:1::/64 2001:db8::1",
        "eth0 2001:db8:1::/64 2001:db8::1 tcp 80",
        "eth0 2001:db8:1::/64 2001:db8::1 tcp 70000",
        "eth0 2001:db8:1::/64 2001:db8::1 tpc 80",
        "eth0 2001:db8:1::/64 - udp 53",
        "eth0 2001:db8:1::/64 - - 53",
        "eth9 2001:db8:1::/64",
        "eth0 2001:db8:1::/129",
        "eth0 2001:db8:1::zz",
        "eth0 10.0.0.0/8",
        "eth0 2001:db8:1::/64 10.0.0.1",
        "MASQUERADE eth0 bogus!!",
        "eth0 2001:db8:1::/64 - - - - 0x1",
        "eth0 2001:db8:1::/64 - - - - bogus",
        "eth0:2001:db8::/32 2001:db8:1::/64",
        "eth0 !2001:db8:1::/64",
        "eth0 2001:db8:1::/64,2001:db8:2::/64",
        "eth0 2001:db8:1::/64 2001:db8::1 - - - - - - - 0.5",
        "eth0 2001:db8:1::/64 2001:db8::1 - - - - - - - 2",
    ] {
        res.push(one("masq", text));
    }
    for text in [
        "SNAT(2001:db8::1) 2001:db8:1::/64 eth0",
        "SNAT(2001:db8::1) foo:bar eth0",
        "SNAT(2001:db8::1) 2001:db8:1::/64 eth9",
        "SNAT(2001:db8::zz) 2001:db8:1::/64 eth0",
        "SNAT(10.0.0.1) 2001:db8:1::/64 eth0",
        "SNAT 2001:db8:1::/64 eth0",
        "MASQUERADE 2001:db8:1::/64 eth0",
        "MASQUERADE(bogus) 2001:db8:1::/64 eth0",
        "MASQUERADE 2001:db8:1::/64 eth0 tcp 80",
        "MASQUERADE 2001:db8:1::/64 eth0 tcp 80:70",
        "MASQUERADE 2001:db8:1::/64 eth0 - 80",
        "SNAT(2001:db8::1) 2001:db8:1::/64 eth0:2001:db8::/32",
        "CONTINUE 2001:db8:1::/64 eth0",
        "ACCEPT 2001:db8:1::/64 eth0",
        "NONAT 2001:db8:1::/64 eth0",
        "DROP 2001:db8:1::/64 eth0",
        "LOG:info 2001:db8:1::/64 eth0",
        "SNAT:info(2001:db8::1) 2001:db8:1::/64 eth0",
        "SNAT:bogus(2001:db8::1) 2001:db8:1::/64 eth0",
        "SNAT(2001:db8::1) 2001:db8:1::/64 eth0 - - - bogus",
    ] {
        res.push(one("snat", text));
    }
    for text in [
        "?FORMAT 3\nCT:helper:ftp:P eth0 - tcp 21",
        "?FORMAT 3\nCT:helper:nosuch:P eth0 - tcp 21",
        "?FORMAT 3\nCT:helper:ftp eth0 - tcp 21",
        "?FORMAT 3\nCT:helper:ftp all - tcp 21",
        "?FORMAT 3\nCT:helper:ftp net - tcp 21",
        "?FORMAT 3\nNOTRACK:P eth0 - udp 53",
        "?FORMAT 3\nNOTRACK:O - - udp 53",
        "?FORMAT 3\nNOTRACK:X eth0 - udp 53",
        "?FORMAT 3\nNOTRACK:P eth9 - udp 53",
        "?FORMAT 3\nNOTRACK:P eth0 - udp 70000",
        "?FORMAT 3\nNOTRACK:P eth0 - tpc 53",
        "?FORMAT 3\nDROP:P eth0 - tcp 23",
        "?FORMAT 3\nACCEPT:P eth0 - tcp 23",
        "?FORMAT 3\nBOGUS:P eth0 - tcp 23",
        "?FORMAT 3\nCT:notrack:P eth0 - udp 53",
        "?FORMAT 3\nCT:ctevents:new,related:P eth0 - tcp 22",
        "?FORMAT 3\nCT:ctevents:bogus:P eth0 - tcp 22",
        "?FORMAT 3\nCT:zone:1:P eth0 - tcp 22",
        "?FORMAT 3\nCT:zone:bogus:P eth0 - tcp 22",
        "?FORMAT 3\nNOTRACK:P eth0:2001:db8::/32 - udp 53",
        "?FORMAT 3\nNOTRACK:P eth0:2001:db8::zz - udp 53",
        "CT:helper:nosuch all - tcp 21",
    ] {
        res.push(one("conntrack", text));
    }
    for text in [
        "2001:db8::10 eth0 2001:db8:1::10",
        "2001:db8::10 eth9 2001:db8:1::10",
        "2001:db8::zz eth0 2001:db8:1::10",
        "2001:db8::10 eth0 2001:db8:1::zz",
        "2001:db8::10 eth0 2001:db8:1::10 No No",
        "2001:db8::10 eth0 2001:db8:1::10 Yes Yes",
        "2001:db8::10 eth0 2001:db8:1::10 maybe",
        "2001:db8::10 eth0 2001:db8:1::10 No maybe",
        "10.0.0.1 eth0 2001:db8:1::10",
        "2001:db8::10/64 eth0 2001:db8:1::10",
    ] {
        res.push(one("nat", text));
    }
    for text in [
        "DNAT 2001:db8:1::/64 eth0 2001:db8:2::/64",
        "SNAT 2001:db8:1::/64 eth0 2001:db8:2::/64",
        "DNAT 2001:db8:1::/64 eth9 2001:db8:2::/64",
        "BOGUS 2001:db8:1::/64 eth0 2001:db8:2::/64",
        "DNAT 2001:db8:1::/64 eth0 2001:db8:2::/48",
        "DNAT 2001:db8:1::zz/64 eth0 2001:db8:2::/64",
    ] {
        res.push(one("netmap", text));
    }
    for text in [
        "MARK(1) - - tcp 22",
        "MARK(zz) - - tcp 22",
        "MARK(1):F - - tcp 22",
        "MARK(1):Q - - tcp 22",
        "MARK(1) eth0 - tcp 22",
        "MARK(1) eth9 - tcp 22",
        "MARK(1) - - tpc 22",
        "MARK(1) - - tcp 70000",
        "MARK(1) - - - 22",
        "CONNMARK(1) - - tcp 22",
        "CONNMARK(bogus) - - tcp 22",
        "SAVE - - tcp 22",
        "RESTORE - - tcp 22",
        "CONTINUE - - tcp 22",
        "DSCP(EF) - - tcp 22",
        "DSCP(bogus) - - tcp 22",
        "CLASSIFY(1:1) - eth0 tcp 22",
        "CLASSIFY(bogus) - eth0 tcp 22",
        "TTL(+1) - - tcp 22",
        "HL(+1) - - tcp 22",
        "BOGUS - - tcp 22",
        "MARK(1) 2001:db8::zz - tcp 22",
        "MARK(1) - - tcp 22 - - !1",
        "MARK(1) - - tcp 22 - - bogus",
    ] {
        res.push(one("mangle", text));
    }
    for text in [
        "?SECTION INPUT\nACCOUNT(web,2001:db8::/64) - eth0 - tcp 80",
        "ACCEPT - eth0 eth1 tcp 80",
        "web:COUNT - eth0 eth1 tcp 80",
        "web:BOGUS - eth0 eth1 tcp 80",
        "COUNT - eth9 eth1 tcp 80",
        "COUNT - eth0 eth1 tpc 80",
        "COUNT - eth0 eth1 tcp 70000",
        "DONE web",
        "COUNT - 2001:db8::zz eth1",
    ] {
        res.push(one("accounting", text));
    }
    for text in [
        "6to4 net 2001:db8::1",
        "ipsec net 2001:db8::1",
        "openvpn:1194 net 2001:db8::1",
        "openvpn:bogus net 2001:db8::1",
        "gre net 2001:db8::1",
        "bogus net 2001:db8::1",
        "gre nte 2001:db8::1",
        "gre net 2001:db8::zz",
    ] {
        res.push(one("tunnels", text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        let all = all();
        assert!(all.len() > 3000, "only {} variants", all.len());
        for variant in all.iter().step_by(37) {
            assert_eq!(Variant::from_key(&variant.key()).as_ref(), Some(variant));
        }
    }
}
