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
ast_node!(AddressExclusion, ADDRESS_EXCLUSION);
ast_node!(Ipset, IPSET);
ast_node!(MacAddress, MAC_ADDRESS);
ast_node!(ServerPort, SERVER_PORT);
ast_node!(ProtoList, PROTO_LIST);
ast_node!(Proto, PROTO);
ast_node!(PortList, PORT_LIST);
ast_node!(Port, PORT);
ast_node!(PortRange, PORT_RANGE);
ast_node!(RateList, RATE_LIST);
ast_node!(Rate, RATE);
ast_node!(UserSpec, USER_SPEC);
ast_node!(MarkSpec, MARK_SPEC);
ast_node!(ConnlimitSpec, CONNLIMIT_SPEC);
ast_node!(TimeSpec, TIME_SPEC);
ast_node!(TimeElement, TIME_ELEMENT);
ast_node!(HeaderList, HEADER_LIST);
ast_node!(SwitchSpec, SWITCH_SPEC);
ast_node!(OptionList, OPTION_LIST);
ast_node!(
    /// `name[=value]` in an options column.
    OptionItem, OPTION
);
