//! The typed node newtypes, one per node kind.

use crate::{ast::AstNode, SyntaxKind, SyntaxNode};

macro_rules! ast_node {
    ($(#[$meta:meta])* $name:ident, $kind:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            pub(crate) syntax: SyntaxNode,
        }

        impl AstNode for $name {
            fn can_cast(kind: SyntaxKind) -> bool {
                kind == SyntaxKind::$kind
            }

            fn cast(syntax: SyntaxNode) -> Option<Self> {
                Self::can_cast(syntax.kind()).then_some($name { syntax })
            }

            fn syntax(&self) -> &SyntaxNode {
                &self.syntax
            }
        }
    };
}

ast_node!(
    /// A whole file.
    SourceFile, SOURCE_FILE
);
ast_node!(
    /// A logical line of columns.
    Record, RECORD
);
ast_node!(
    /// One column of a record, or the value of a `name=value` pair.
    Column, COLUMN
);
ast_node!(PairBlock, PAIR_BLOCK);
ast_node!(PairTail, PAIR_TAIL);
ast_node!(
    /// `name=value` in a pair block or tail.
    Pair, PAIR
);
ast_node!(RawMatches, RAW_MATCHES);
ast_node!(LineContinuation, LINE_CONTINUATION);
ast_node!(
    /// `?SECTION NEW`, `?IF ...`, `INCLUDE file`, `SECTION NEW` (4.4), ...
    Directive, DIRECTIVE
);
ast_node!(EmbeddedBlock, EMBEDDED_BLOCK);
ast_node!(
    /// `NAME=value` in `params` or `shorewall6.conf`.
    Assignment, ASSIGNMENT
);
ast_node!(ShellLine, SHELL_LINE);
ast_node!(
    /// `TARGET[(params)][:level[:tag]]`.
    ActionSpec, ACTION_SPEC
);
ast_node!(ActionName, ACTION_NAME);
ast_node!(ActionParams, ACTION_PARAMS);
ast_node!(ActionArg, ACTION_ARG);
ast_node!(MacroTarget, MACRO_TARGET);
ast_node!(LogSpec, LOG_SPEC);
ast_node!(LogLevel, LOG_LEVEL);
ast_node!(LogTag, LOG_TAG);
ast_node!(
    /// `zone[:interface][:addresses]`, or `interface:addresses` in hosts.
    HostSpec, HOST_SPEC
);
ast_node!(ZoneList, ZONE_LIST);
ast_node!(ZoneRef, ZONE_REF);
ast_node!(ZoneExclusion, ZONE_EXCLUSION);
ast_node!(InterfaceRef, INTERFACE_REF);
ast_node!(AddressList, ADDRESS_LIST);
ast_node!(Address, ADDRESS);
ast_node!(
    /// `low-high`: two addresses.
    AddressRange, ADDRESS_RANGE
);
ast_node!(AddressExclusion, ADDRESS_EXCLUSION);
ast_node!(
    /// `+name[flags]` or `+[name,name]`.
    Ipset, IPSET
);
ast_node!(IpsetName, IPSET_NAME);
ast_node!(IpsetFlags, IPSET_FLAGS);
ast_node!(MacAddress, MAC_ADDRESS);
ast_node!(ServerPort, SERVER_PORT);
ast_node!(ProtoList, PROTO_LIST);
ast_node!(Proto, PROTO);
ast_node!(PortList, PORT_LIST);
ast_node!(Port, PORT);
ast_node!(PortRange, PORT_RANGE);
ast_node!(RateList, RATE_LIST);
ast_node!(
    /// `[s|d:][name:]rate/unit[:burst]`.
    Rate, RATE
);
ast_node!(RateMode, RATE_MODE);
ast_node!(RateName, RATE_NAME);
ast_node!(RateValue, RATE_VALUE);
ast_node!(RateBurst, RATE_BURST);
ast_node!(UserList, USER_LIST);
ast_node!(
    /// `[!][user][:group][+program]`.
    UserSpec, USER_SPEC
);
ast_node!(UserName, USER_NAME);
ast_node!(GroupName, GROUP_NAME);
ast_node!(ProgramName, PROGRAM_NAME);
ast_node!(
    /// `[!]value[/mask][:C]`.
    MarkSpec, MARK_SPEC
);
ast_node!(MarkValue, MARK_VALUE);
ast_node!(MarkMask, MARK_MASK);
ast_node!(
    /// `[d:][!]limit[:mask]`.
    ConnlimitSpec, CONNLIMIT_SPEC
);
ast_node!(ConnlimitCount, CONNLIMIT_COUNT);
ast_node!(ConnlimitMask, CONNLIMIT_MASK);
ast_node!(TimeSpec, TIME_SPEC);
ast_node!(
    /// `name[=value]` in a TIME column.
    TimeElement, TIME_ELEMENT
);
ast_node!(
    /// `[!][any:|exactly:]header,...`.
    HeaderList, HEADER_LIST
);
ast_node!(Header, HEADER);
ast_node!(
    /// `[!]name[={0|1}]`.
    SwitchSpec, SWITCH_SPEC
);
ast_node!(SwitchName, SWITCH_NAME);
ast_node!(HelperName, HELPER_NAME);
ast_node!(OptionList, OPTION_LIST);
ast_node!(
    /// `name[=value]` in an options column.
    OptionItem, OPTION
);
