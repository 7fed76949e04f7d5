//! `SyntaxKind`: every token and node kind of the tree, and the rowan `Language` glue.

/// The kind of a token or node. Trivia first, then tokens, then nodes.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
pub enum SyntaxKind {
    // Trivia.
    WHITESPACE = 0,
    NEWLINE,
    COMMENT,

    // Tokens.
    /// A run of characters that are not punctuation: names, numbers, address pieces.
    WORD,
    /// `?IF`, `?SECTION`, ... (a `?` at the start of a directive with its name).
    DIRECTIVE_NAME,
    /// `$NAME`, `${NAME}`, `$1`, or a lone `$`.
    DOLLAR_REF,
    /// A quoted string, `"..."` or `'...'`, closed on the same line.
    STRING,
    COLON,
    COMMA,
    BANG,
    L_ANGLE,
    R_ANGLE,
    L_BRACK,
    R_BRACK,
    L_PAREN,
    R_PAREN,
    L_CURLY,
    R_CURLY,
    EQ,
    SEMI,
    DOUBLE_SEMI,
    SLASH,
    DASH,
    PLUS,
    TILDE,
    AMP,
    PIPE,
    BACKSLASH,
    BACKTICK,
    /// A character the lexer could not place (an unterminated quote).
    ERROR_TOKEN,

    // Nodes.
    SOURCE_FILE,
    /// One logical line of columns.
    RECORD,
    /// One whitespace-separated column of a record.
    COLUMN,
    /// `{ name=value, ... }` at the end of a record.
    PAIR_BLOCK,
    /// `; name=value, ...` at the end of a record.
    PAIR_TAIL,
    /// One `name=value` of a pair block or tail.
    PAIR,
    /// `;; raw ip6tables matches`.
    RAW_MATCHES,
    /// `\` + optional comment + newline (+ suppressed indentation): glue inside a logical line.
    LINE_CONTINUATION,
    /// `?SECTION`, `?IF`, `INCLUDE`, `DEFAULTS`, ... with its arguments.
    DIRECTIVE,
    /// `?BEGIN PERL ... ?END PERL` or a shell block: opaque text.
    EMBEDDED_BLOCK,
    /// `NAME=value` in `params` or `shorewall6.conf`.
    ASSIGNMENT,
    ASSIGNMENT_NAME,
    ASSIGNMENT_VALUE,
    /// A `params` line that is shell we do not evaluate.
    SHELL_LINE,
    /// Text the parser could not place.
    ERROR,

    // ACTION column.
    ACTION_SPEC,
    ACTION_NAME,
    ACTION_PARAMS,
    ACTION_ARG,
    /// The 4.4 macro form `Macro/TARGET`: the `/TARGET` part.
    MACRO_TARGET,
    LOG_SPEC,
    LOG_LEVEL,
    LOG_TAG,

    // SOURCE, DEST and other host columns.
    HOST_SPEC,
    ZONE_LIST,
    ZONE_REF,
    ZONE_EXCLUSION,
    INTERFACE_REF,
    ADDRESS_LIST,
    ADDRESS,
    /// `low-high`: two `ADDRESS`es and a dash.
    ADDRESS_RANGE,
    ADDRESS_EXCLUSION,
    /// `+name[flags]` or `+[name,name]`.
    IPSET,
    IPSET_NAME,
    /// `[src,dst]` or `[2]` after an ipset name.
    IPSET_FLAGS,
    MAC_ADDRESS,
    /// `:port` after a DNAT/REDIRECT destination.
    SERVER_PORT,

    // PROTO, DPORT, SPORT.
    PROTO_LIST,
    PROTO,
    PORT_LIST,
    PORT,
    PORT_RANGE,

    // Other rules columns.
    RATE_LIST,
    /// `[s|d:][name:]rate/unit[:burst]`.
    RATE,
    /// `s`, `d` or `s/24`: per source or destination address.
    RATE_MODE,
    /// The hash table name, with an optional `(size,max)`.
    RATE_NAME,
    /// `3/min`.
    RATE_VALUE,
    RATE_BURST,
    USER_LIST,
    /// `[!][user][:group][+program]`.
    USER_SPEC,
    USER_NAME,
    GROUP_NAME,
    PROGRAM_NAME,
    /// `[!]value[/mask][:C]`.
    MARK_SPEC,
    MARK_VALUE,
    MARK_MASK,
    /// `[d:][!]limit[:mask]`.
    CONNLIMIT_SPEC,
    CONNLIMIT_COUNT,
    CONNLIMIT_MASK,
    /// `element&element...`.
    TIME_SPEC,
    /// `name[=value]`, with the name and value as `OPTION_NAME` and `OPTION_VALUE`.
    TIME_ELEMENT,
    /// `[!][any:|exactly:]header,...`.
    HEADER_LIST,
    HEADER,
    /// `[!]name[={0|1}]`.
    SWITCH_SPEC,
    SWITCH_NAME,
    HELPER_NAME,

    // Option lists (zones, interfaces, hosts, policy).
    OPTION_LIST,
    OPTION,
    OPTION_NAME,
    OPTION_VALUE,

    #[doc(hidden)]
    __LAST,
}

use SyntaxKind::*;

impl SyntaxKind {
    /// Every kind in discriminant order; used to convert raw values without `unsafe`.
    const ALL: [SyntaxKind; __LAST as usize] = all_kinds();

    pub fn is_trivia(self) -> bool {
        matches!(self, WHITESPACE | NEWLINE | COMMENT)
    }

    pub fn is_token(self) -> bool {
        (self as u16) < (SOURCE_FILE as u16)
    }

    fn from_raw(raw: u16) -> SyntaxKind {
        Self::ALL.get(raw as usize).copied().unwrap_or(ERROR)
    }
}

const fn all_kinds() -> [SyntaxKind; __LAST as usize] {
    // Filled in order and checked by `kinds_round_trip`: a kind added without updating this
    // list fails that test.
    [
        WHITESPACE,
        NEWLINE,
        COMMENT,
        WORD,
        DIRECTIVE_NAME,
        DOLLAR_REF,
        STRING,
        COLON,
        COMMA,
        BANG,
        L_ANGLE,
        R_ANGLE,
        L_BRACK,
        R_BRACK,
        L_PAREN,
        R_PAREN,
        L_CURLY,
        R_CURLY,
        EQ,
        SEMI,
        DOUBLE_SEMI,
        SLASH,
        DASH,
        PLUS,
        TILDE,
        AMP,
        PIPE,
        BACKSLASH,
        BACKTICK,
        ERROR_TOKEN,
        SOURCE_FILE,
        RECORD,
        COLUMN,
        PAIR_BLOCK,
        PAIR_TAIL,
        PAIR,
        RAW_MATCHES,
        LINE_CONTINUATION,
        DIRECTIVE,
        EMBEDDED_BLOCK,
        ASSIGNMENT,
        ASSIGNMENT_NAME,
        ASSIGNMENT_VALUE,
        SHELL_LINE,
        ERROR,
        ACTION_SPEC,
        ACTION_NAME,
        ACTION_PARAMS,
        ACTION_ARG,
        MACRO_TARGET,
        LOG_SPEC,
        LOG_LEVEL,
        LOG_TAG,
        HOST_SPEC,
        ZONE_LIST,
        ZONE_REF,
        ZONE_EXCLUSION,
        INTERFACE_REF,
        ADDRESS_LIST,
        ADDRESS,
        ADDRESS_RANGE,
        ADDRESS_EXCLUSION,
        IPSET,
        IPSET_NAME,
        IPSET_FLAGS,
        MAC_ADDRESS,
        SERVER_PORT,
        PROTO_LIST,
        PROTO,
        PORT_LIST,
        PORT,
        PORT_RANGE,
        RATE_LIST,
        RATE,
        RATE_MODE,
        RATE_NAME,
        RATE_VALUE,
        RATE_BURST,
        USER_LIST,
        USER_SPEC,
        USER_NAME,
        GROUP_NAME,
        PROGRAM_NAME,
        MARK_SPEC,
        MARK_VALUE,
        MARK_MASK,
        CONNLIMIT_SPEC,
        CONNLIMIT_COUNT,
        CONNLIMIT_MASK,
        TIME_SPEC,
        TIME_ELEMENT,
        HEADER_LIST,
        HEADER,
        SWITCH_SPEC,
        SWITCH_NAME,
        HELPER_NAME,
        OPTION_LIST,
        OPTION,
        OPTION_NAME,
        OPTION_VALUE,
    ]
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        Self(kind as u16)
    }
}

/// The rowan language of Shorewall configuration files.
#[derive(Debug, Copy, Clone, Ord, PartialOrd, Eq, PartialEq, Hash)]
pub enum ShorewallLanguage {}

impl rowan::Language for ShorewallLanguage {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        SyntaxKind::from_raw(raw.0)
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

pub type SyntaxNode = rowan::SyntaxNode<ShorewallLanguage>;
pub type SyntaxToken = rowan::SyntaxToken<ShorewallLanguage>;
pub type SyntaxElement = rowan::SyntaxElement<ShorewallLanguage>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for (idx, kind) in SyntaxKind::ALL.iter().enumerate() {
            assert_eq!(
                *kind as usize, idx,
                "{kind:?} is out of place in all_kinds()"
            );
            assert_eq!(SyntaxKind::from_raw(idx as u16), *kind);
        }
    }
}
