//! Formatter snapshots, one or more per construct. Every case goes through `check_format`, so
//! each is also checked for idempotence, for what Shorewall reads, and for its comments.

use expect_test::{expect, Expect};

use crate::{Family, FileKind, FileType};

use super::{check::check_format, FormatOptions};

fn file_type(name: &str) -> FileType {
    FileType::new(FileKind::from_file_name(name), Family::Ipv6)
}

#[track_caller]
fn check_with(name: &str, input: &str, options: &FormatOptions, expect: Expect) {
    let (formatted, _) =
        check_format(input, file_type(name), options).unwrap_or_else(|it| panic!("{it}"));
    // Carriage returns shown, so that CRLF survives in the snapshot.
    expect.assert_eq(&formatted.replace('\r', "\\r"));
}

#[track_caller]
fn check(name: &str, input: &str, expect: Expect) {
    check_with(name, input, &FormatOptions::default(), expect);
}

#[test]
fn rules_mixed_widths() {
    check(
        "rules",
        "ACCEPT net $FW tcp 22\nSSH(ACCEPT)\tloc:2001:db8::/64   $FW\nDROP:info all all\n",
        expect![[r#"
            ACCEPT          net                     $FW     tcp     22
            SSH(ACCEPT)     loc:2001:db8::/64       $FW
            DROP:info       all                     all
        "#]],
    );
}

#[test]
fn header_comment_two_lines() {
    check(
        "rules",
        "#ACTION\tSOURCE\tDEST\tPROTO\tDEST\tSOURCE\tORIGINAL\tRATE\n#\t\t\t\tPORT\tPORT(S)\tDEST\tLIMIT\nInvalid(DROP) net all tcp\nACCEPT net:2001:db8::1 $FW tcp 22,80 - - 3/min:5\n",
        expect![[r#"
            #ACTION         SOURCE                  DEST    PROTO   DEST    SOURCE          ORIGINAL        RATE
            #                                                       PORT    PORT(S)         DEST            LIMIT
            Invalid(DROP)   net                     all     tcp
            ACCEPT          net:2001:db8::1         $FW     tcp     22,80   -               -               3/min:5
        "#]],
    );
}

#[test]
fn header_cells_with_a_space() {
    check(
        "policy",
        "#SOURCE\tDEST\tPOLICY\tLOG LEVEL\tLIMIT:BURST\n$FW all ACCEPT\nnet all DROP info\n",
        expect![[r#"
            #SOURCE         DEST    POLICY  LOG LEVEL       LIMIT:BURST
            $FW             all     ACCEPT
            net             all     DROP    info
        "#]],
    );
}

#[test]
fn header_with_single_spaces() {
    // Every word a cell when there is no wider gap; two column names in one cell are split.
    check(
        "rules",
        "#ACTION SOURCE DEST PROTO\nACCEPT net:2001:db8::1 $FW tcp\n",
        expect![[r#"
            #ACTION         SOURCE                  DEST    PROTO
            ACCEPT          net:2001:db8::1         $FW     tcp
        "#]],
    );
    check(
        "rules",
        "#ACTION  SOURCE DEST    PROTO   DEST PORT(S)\nACCEPT net $FW tcp 22\n",
        expect![[r#"
            #ACTION         SOURCE  DEST    PROTO   DEST PORT(S)
            ACCEPT          net     $FW     tcp     22
        "#]],
    );
}

#[test]
fn comments_that_are_not_headers() {
    check(
        "rules",
        "#SECTION ESTABLISHED\n#ACCEPT net $FW tcp 22\n  # indented comment   \n#LAST LINE -- DO NOT REMOVE\nACCEPT net $FW\n",
        expect![[r#"
            #SECTION ESTABLISHED
            #ACCEPT net $FW tcp 22
              # indented comment
            #LAST LINE -- DO NOT REMOVE
            ACCEPT  net     $FW
        "#]],
    );
}

#[test]
fn trailing_comments() {
    check(
        "rules",
        "ACCEPT net $FW tcp 22 # ssh   \nACCEPT net $FW tcp 80,443#web\nDROP net all\t\t# the rest\n",
        expect![[r#"
            ACCEPT  net     $FW     tcp     22      # ssh
            ACCEPT  net     $FW     tcp     80,443  #web
            DROP    net     all     # the rest
        "#]],
    );
}

#[test]
fn continuation_inside_a_column() {
    check(
        "snat",
        "MASQUERADE\t\t10.0.0.0/8,\\\n\t\t\t169.254.0.0/16,\\\n172.16.0.0/12\tNET_IF\nSNAT(192.0.2.1) - eth0\n",
        expect![[r#"
            MASQUERADE              10.0.0.0/8,\
                                    169.254.0.0/16,\
                                    172.16.0.0/12   NET_IF
            SNAT(192.0.2.1)         -               eth0
        "#]],
    );
}

#[test]
fn continuation_between_columns() {
    check(
        "rules",
        "ACCEPT net \\\n      $FW tcp 22\nACCEPT\tloc\t$FW\\\n\ttcp 80 \\ # web\n\t# done\n",
        expect![[r#"
            ACCEPT  net \
                            $FW     tcp     22
            ACCEPT  loc     $FW \
                                    tcp     80\ # web
            # done
        "#]],
    );
}

#[test]
fn continuation_that_joins_words() {
    // `ne\` + `t` is the zone `net`: the second line must stay at the start of its line.
    check(
        "rules",
        "ACCEPT ne\\\nt $FW tcp 22\nDROP net all\n",
        expect![[r#"
            ACCEPT  ne\
            t               $FW     tcp     22
            DROP    net     all
        "#]],
    );
}

#[test]
fn pair_blocks_and_tails() {
    check(
        "rules",
        "ACCEPT { source=net, dest=$FW, proto=tcp, dport=22 }\nACCEPT net $FW{proto=tcp,dport=23}\nACCEPT net $FW ; proto=tcp, dport=24 # pairs\n",
        expect![[r#"
            ACCEPT  { source=net, dest=$FW, proto=tcp, dport=22 }
            ACCEPT  net     $FW     {proto=tcp,dport=23}
            ACCEPT  net     $FW     ; proto=tcp, dport=24   # pairs
        "#]],
    );
}

#[test]
fn raw_matches_are_kept() {
    check(
        "rules",
        "ACCEPT net $FW tcp 22 ;;  -m   recent --name  ssh \t\nDROP net all;;-m foo # raw\n\
         ACCEPT net $FW {proto=tcp};;-m bar\nACCEPT net $FW; dport=22 ;; -m baz \\\n  # end\n",
        expect![[r#"
            ACCEPT  net     $FW     tcp     22      ;;  -m   recent --name  ssh
            DROP    net     all     ;;-m foo        # raw
            ACCEPT  net     $FW     {proto=tcp};;-m bar
            ACCEPT  net     $FW     ; dport=22      ;; -m baz\
            # end
        "#]],
    );
}

#[test]
fn directives() {
    check(
        "rules",
        "?SECTION NEW   \n?COMMENT ssh # from admins  \nSSH(ACCEPT) net $FW\n?COMMENT\n?SET  VAR 1\nINCLUDE  rules.local\n",
        expect![[r#"
            ?SECTION NEW
            ?COMMENT ssh # from admins
            SSH(ACCEPT)     net     $FW
            ?COMMENT
            ?SET  VAR 1
            INCLUDE  rules.local
        "#]],
    );
}

#[test]
fn conditional_blocks() {
    check(
        "conntrack",
        "?FORMAT 3\n#ACTION SOURCE DEST PROTO DPORT\n?if $AUTOHELPERS && __CT_TARGET\n?if __FTP_HELPER\nCT:helper:ftp:PO - - tcp 21\n?else\nCT:helper:irc:PO\t-\t-\ttcp\t6667\n?endif\n?endif\n",
        expect![[r#"
            ?FORMAT 3
            #ACTION                 SOURCE  DEST    PROTO   DPORT
            ?if $AUTOHELPERS && __CT_TARGET
            ?if __FTP_HELPER
            CT:helper:ftp:PO        -       -       tcp     21
            ?else
            CT:helper:irc:PO        -       -       tcp     6667
            ?endif
            ?endif
        "#]],
    );
}

#[test]
fn conditional_block_with_an_error_is_kept() {
    check(
        "rules",
        "ACCEPT net $FW\n?IF __IPV4\nACCEPT   net:\"x\"  $FW  \nDROP  net  all\n?ELSE\nDROP   net   all\n?ENDIF\nREJECT all all\n",
        expect![[r#"
            ACCEPT  net     $FW
            ?IF __IPV4
            ACCEPT   net:"x"  $FW  
            DROP  net  all
            ?ELSE
            DROP   net   all
            ?ENDIF
            REJECT  all     all
        "#]],
    );
}

#[test]
fn unclosed_conditional_is_kept() {
    check(
        "rules",
        "ACCEPT net $FW\n?IF $X\nACCEPT   net   $FW  \n",
        expect![[r#"
            ACCEPT  net     $FW
            ?IF $X
            ACCEPT   net   $FW  
        "#]],
    );
}

#[test]
fn record_with_an_error_is_kept() {
    check(
        "rules",
        "ACCEPT net $FW tcp 22\nACCEPT  net  $FW  tcp  22  -  -  -  -  -  -  -  -  -  -  extra   \nDROP net all\n",
        expect![[r#"
            ACCEPT  net     $FW     tcp     22
            ACCEPT  net  $FW  tcp  22  -  -  -  -  -  -  -  -  -  -  extra   
            DROP    net     all
        "#]],
    );
}

#[test]
fn embedded_perl_is_kept() {
    check(
        "action.Foo",
        "?BEGIN PERL  \nuse strict;   \n  my $x = 1;\n?END PERL\nACCEPT - - tcp 22\n",
        expect![[r#"
            ?BEGIN PERL  
            use strict;   
              my $x = 1;
            ?END PERL
            ACCEPT  -       -       tcp     22
        "#]],
    );
}

#[test]
fn params() {
    check(
        "params",
        "NET_IF=eth0   \nexport LOG=info # level  \n\n\n",
        expect![[r#"
            NET_IF=eth0
            export LOG=info # level
        "#]],
    );
}

#[test]
fn params_with_shell_are_kept() {
    check(
        "params",
        "NET_IF=eth0   \nADMINS=$(cat /etc/admins)  \nMSG=\"two\n  lines  \"\n",
        expect![[r#"
            NET_IF=eth0   
            ADMINS=$(cat /etc/admins)  
            MSG="two
              lines  "
        "#]],
    );
}

#[test]
fn conf() {
    check(
        "shorewall6.conf",
        "###########\n# S T A R T U P   \n\nSTARTUP_ENABLED=No   \nLOGFORMAT=\"%s %s \"  # keep\n",
        expect![[r############"
            ###########
            # S T A R T U P

            STARTUP_ENABLED=No
            LOGFORMAT="%s %s "  # keep
        "############]],
    );
}

#[test]
fn zones_interfaces_policy() {
    check(
        "zones",
        "#ZONE\tTYPE\tOPTIONS\nfw firewall\nnet ipv6\nloc:net ipv6 - mss=1400\n",
        expect![[r#"
            #ZONE           TYPE    OPTIONS
            fw              firewall
            net             ipv6
            loc:net         ipv6    -       mss=1400
        "#]],
    );
    check(
        "interfaces",
        "?FORMAT 2\n#ZONE\tINTERFACE\tOPTIONS\nnet NET_IF tcpflags,forward=1,sourceroute=0,physical=eth0\nloc LOC_IF tcpflags,forward=1,physical=eth1\n",
        expect![[r#"
            ?FORMAT 2
            #ZONE   INTERFACE       OPTIONS
            net     NET_IF          tcpflags,forward=1,sourceroute=0,physical=eth0
            loc     LOC_IF          tcpflags,forward=1,physical=eth1
        "#]],
    );
    check(
        "policy",
        "#SOURCE\tDEST\tPOLICY\tLOGLEVEL\tRATE\n$FW net ACCEPT\nnet all DROP $LOG_LEVEL\nall all REJECT info\n",
        expect![[r#"
            #SOURCE         DEST    POLICY  LOGLEVEL        RATE
            $FW             net     ACCEPT
            net             all     DROP    $LOG_LEVEL
            all             all     REJECT  info
        "#]],
    );
}

#[test]
fn crlf_is_kept() {
    check(
        "rules",
        "#ACTION SOURCE DEST\r\nACCEPT net $FW  \r\nDROP:info net all # x \r\n\r\n",
        expect![[r#"
            #ACTION         SOURCE  DEST\r
            ACCEPT          net     $FW\r
            DROP:info       net     all     # x\r
        "#]],
    );
}

#[test]
fn final_newline() {
    check(
        "rules",
        "ACCEPT net $FW",
        expect![[r#"
        ACCEPT  net     $FW
    "#]],
    );
    check(
        "rules",
        "ACCEPT net $FW\n\n\n  \n",
        expect![[r#"
        ACCEPT  net     $FW
    "#]],
    );
    check("rules", "", expect![""]);
    check("rules", "\n\n", expect![""]);
}

#[test]
fn tabs() {
    let options = FormatOptions {
        use_tabs: true,
        ..FormatOptions::default()
    };
    check_with(
        "rules",
        "#ACTION SOURCE DEST PROTO DPORT\nInvalid(DROP) net all tcp\nACCEPT loc:2001:db8::1,\\\n  2001:db8::2 $FW tcp 22 # two\n",
        &options,
        expect![[r#"
            #ACTION		SOURCE		DEST	PROTO	DPORT
            Invalid(DROP)	net		all	tcp
            ACCEPT		loc:2001:db8::1,\
            		2001:db8::2	$FW	tcp	22	# two
        "#]],
    );
}

#[test]
fn narrow_tab_width() {
    let options = FormatOptions {
        tab_width: 1,
        ..FormatOptions::default()
    };
    check_with(
        "rules",
        "#ACTION SOURCE DEST PROTO DPORT\nInvalid(DROP) net all tcp\nACCEPT net $FW tcp 22 # ssh\n",
        &options,
        expect![[r#"
            #ACTION        SOURCE  DEST  PROTO  DPORT
            Invalid(DROP)  net     all   tcp
            ACCEPT         net     $FW   tcp    22  # ssh
        "#]],
    );
}

#[test]
fn max_column_width() {
    let options = FormatOptions {
        max_column_width: 8,
        ..FormatOptions::default()
    };
    check_with(
        "rules",
        "ACCEPT net:<2001:db8::1,2001:db8::2> $FW tcp 22\nACCEPT net $FW tcp 80\nACCEPT net:2001:db8::1 dmz tcp 443\n",
        &options,
        expect![[r#"
            ACCEPT  net:<2001:db8::1,2001:db8::2>   $FW     tcp     22
            ACCEPT  net             $FW     tcp     80
            ACCEPT  net:2001:db8::1         dmz     tcp     443
        "#]],
    );
}

#[test]
fn alignment_off() {
    let options = FormatOptions {
        align: false,
        ..FormatOptions::default()
    };
    check_with(
        "rules",
        "#ACTION SOURCE DEST\n  ACCEPT   net $FW   \nDROP\tnet\tall\n\n",
        &options,
        expect![[r#"
            #ACTION SOURCE DEST
              ACCEPT   net $FW
            DROP	net	all
        "#]],
    );
}

#[test]
fn upgrade() {
    let options = FormatOptions {
        upgrade: true,
        ..FormatOptions::default()
    };
    check_with(
        "rules",
        "SECTION NEW\nCOMMENT ssh from admins\nSSH/ACCEPT net $FW\nDNS/ACCEPT:info $FW net\nCOMMENT\nACCEPT net $FW tcp 22\n",
        &options,
        expect![[r#"
            ?SECTION NEW
            ?COMMENT ssh from admins
            SSH(ACCEPT)             net     $FW
            DNS(ACCEPT):info        $FW     net
            ?COMMENT
            ACCEPT                  net     $FW     tcp     22
        "#]],
    );
    check_with(
        "interfaces",
        "FORMAT 2\nnet eth0 tcpflags\n",
        &options,
        expect![[r#"
            ?FORMAT 2
            net     eth0    tcpflags
        "#]],
    );
}

#[test]
fn upgrade_only_when_asked() {
    check(
        "rules",
        "SECTION NEW\nSSH/ACCEPT net $FW\n",
        expect![[r#"
            SECTION NEW
            SSH/ACCEPT      net     $FW
        "#]],
    );
}

#[test]
fn range_formats_only_the_lines_touched() {
    let text = "ACCEPT net $FW\nDROP   net   all   \nREJECT all all\n";
    let parse = crate::parse(text, file_type("rules"));
    let start = crate::TextSize::new(text.find("DROP").unwrap_or(0) as u32 + 2);
    let range = crate::TextRange::empty(start);
    let edits = super::format_range(&parse, range, &FormatOptions::default());
    expect![[r#"
        [
            TextEdit {
                range: 15..35,
                new_text: "DROP    net     all\n",
            },
        ]
    "#]]
    .assert_debug_eq(&edits);
    let all = super::format_edits(&parse, &FormatOptions::default());
    assert_eq!(
        super::apply_edits(text, &all),
        super::format(&parse, &FormatOptions::default())
    );
}

#[test]
fn range_at_the_end_of_the_file() {
    let text = "ACCEPT net $FW\n\n\n";
    let parse = crate::parse(text, file_type("rules"));
    let end = crate::TextRange::empty(crate::TextSize::of(text));
    let edits = super::format_range(&parse, end, &FormatOptions::default());
    expect![[r#"
        [
            TextEdit {
                range: 16..17,
                new_text: "",
            },
        ]
    "#]]
    .assert_debug_eq(&edits);
}

#[test]
fn upgrade_edits_alone() {
    let text = "SECTION NEW\nSSH/ACCEPT:info net $FW\nMacro(x)/ACCEPT net $FW\nCOMMENT a \\\n b\n";
    let parse = crate::parse(text, file_type("rules"));
    let edits = super::upgrade_edits(&parse);
    expect![[r#"
        ?SECTION NEW
        SSH(ACCEPT):info net $FW
        Macro(x)/ACCEPT net $FW
        COMMENT a \
         b
    "#]]
    .assert_eq(&super::apply_edits(text, &edits));
}

/// Random lines built from the pieces Shorewall files are made of: every one must keep the
/// formatter's promises.
#[test]
fn random_inputs_keep_the_promises() {
    const PIECES: &[&str] = &[
        "ACCEPT",
        "SSH(ACCEPT)",
        "DNS/ACCEPT",
        "net",
        "$FW",
        "loc:2001:db8::1",
        "tcp",
        "22",
        "80,443",
        "-",
        "#c",
        "# note  ",
        "\\\n",
        "\\ # x\n",
        ",",
        ":",
        "{",
        "}",
        "proto=tcp",
        ";",
        ";;",
        "-m foo",
        "\n?IF $X\n",
        "\n?ELSE\n",
        "\n?ENDIF\n",
        "\nSECTION NEW\n",
        "\n?SECTION NEW\n",
        "\t",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\n",
        "(",
        ")",
        "\"",
        "\n#ACTION SOURCE\tDEST\n",
        "\n#\t\tPORT\n",
        "\n?BEGIN PERL\n",
        "\n?END PERL\n",
        "COMMENT",
        "\u{e9}",
    ];
    let kinds = [
        "rules",
        "zones",
        "interfaces",
        "policy",
        "params",
        "shorewall6.conf",
        "snat",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in 0..3000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let kind = kinds[case % kinds.len()];
        for options in [
            FormatOptions::default(),
            FormatOptions {
                use_tabs: true,
                tab_width: 4,
                upgrade: true,
                ..FormatOptions::default()
            },
            FormatOptions {
                align: false,
                ..FormatOptions::default()
            },
            FormatOptions {
                max_column_width: 3,
                tab_width: 1,
                ..FormatOptions::default()
            },
        ] {
            if let Err(message) = check_format(&text, file_type(kind), &options) {
                panic!("{kind} {options:?}\n{text:?}\n{message}");
            }
        }
    }
}
