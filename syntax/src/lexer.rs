//! The lexer: text to a flat list of tokens that cover every byte.
//!
//! Two modes: column and configuration files, where `#` starts a comment anywhere (as
//! Shorewall strips `\s*#.*` from every line), and `params`, which is shell, where `#` starts a
//! comment only at the start of a word and quotes may hide it. The lexer is deliberately dumb:
//! an IPv6 address is several tokens, and the parser gives it its shape.

use logos::Logos;

use crate::SyntaxKind;

/// One token: its kind and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: SyntaxKind,
    pub start: u32,
    pub end: u32,
}

impl Token {
    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// Which lexical rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexMode {
    /// Column files and `shorewall6.conf`: `#` starts a comment anywhere.
    Config,
    /// `params`: shell words, quotes and comments.
    Shell,
}

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum ConfigToken {
    #[regex(r"[ \t\x0B\x0C]+")]
    Whitespace,
    #[regex(r"\r")]
    LoneCarriageReturn,
    #[regex(r"\r?\n")]
    Newline,
    #[token("#", config_comment)]
    Comment,
    #[regex(r"\?[A-Za-z]*[A-Za-z0-9_!]*")]
    DirectiveName,
    #[token("$", config_dollar)]
    DollarRef,
    /// A quote closed on the same line; an unclosed one is an error token.
    #[token("\"", quoted_on_line)]
    #[token("'", quoted_on_line)]
    String,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token("!")]
    Bang,
    #[token("<")]
    LAngle,
    #[token(">")]
    RAngle,
    #[token("[")]
    LBrack,
    #[token("]")]
    RBrack,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LCurly,
    #[token("}")]
    RCurly,
    #[token("=")]
    Eq,
    #[token(";;")]
    DoubleSemi,
    #[token(";")]
    Semi,
    #[token("/")]
    Slash,
    #[token("-")]
    Dash,
    #[token("+")]
    Plus,
    #[token("~")]
    Tilde,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("\\")]
    Backslash,
    #[token("`")]
    Backtick,
    #[regex(r#"[^ \t\x0B\x0C\r\n#:,!<>\[\](){}=;/+~&|\\"'`$?\-]"#, config_word)]
    Word,
}

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum ShellToken {
    #[regex(r"[ \t\x0B\x0C]+")]
    Whitespace,
    #[regex(r"\r")]
    LoneCarriageReturn,
    #[regex(r"\r?\n")]
    Newline,
    #[token("#", shell_comment)]
    Comment,
    #[token("$", shell_dollar)]
    DollarRef,
    /// Shell quotes may span lines; an unclosed one is an error token.
    #[token("\"", shell_double_quoted)]
    #[token("'", shell_single_quoted)]
    String,
    #[token("=")]
    Eq,
    #[token(";")]
    Semi,
    #[token("|")]
    Pipe,
    #[token("&")]
    Amp,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LCurly,
    #[token("}")]
    RCurly,
    #[token("<")]
    LAngle,
    #[token(">")]
    RAngle,
    #[token("\\")]
    Backslash,
    #[token("`")]
    Backtick,
    #[regex(r#"[^ \t\x0B\x0C\r\n#"'`$;|&(){}<>=\\]"#, shell_word)]
    Word,
}

// Tokens that may run long are matched on their first character and extended here, by plain
// loops: the automaton logos generates walks a multi-byte character per stack frame in debug
// builds, which a long run of non-ASCII text would overflow.

type ConfigLexer<'s> = logos::Lexer<'s, ConfigToken>;
type ShellLexer<'s> = logos::Lexer<'s, ShellToken>;

/// The length of the comment's rest: up to the newline (a `\r` before it is included; `push`
/// gives it to the newline).
fn line_rest(rest: &str) -> usize {
    rest.find('\n').unwrap_or(rest.len())
}

/// The length of the rest of a word: up to the first byte that `stop` marks (all of them
/// ASCII, so the length is on a character boundary).
fn word_rest(rest: &str, stop: &[bool; 256]) -> usize {
    rest.bytes()
        .position(|b| stop[usize::from(b)])
        .unwrap_or(rest.len())
}

/// A byte table marking the characters of `chars`.
const fn byte_set(chars: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < chars.len() {
        set[chars[i] as usize] = true;
        i += 1;
    }
    set
}

/// After `$`: `{...}` closed on the line, a name, or (`digits`) a positional parameter.
fn dollar_rest(rest: &str, specials: &[u8]) -> usize {
    let bytes = rest.as_bytes();
    match bytes.first() {
        Some(b'{') => match rest.find(['}', '\r', '\n']) {
            Some(end) if bytes.get(end) == Some(&b'}') => end + 1,
            _ => 0,
        },
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => bytes
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .unwrap_or(bytes.len()),
        Some(b) if b.is_ascii_digit() && specials.is_empty() => bytes
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(bytes.len()),
        Some(b) if b.is_ascii_digit() || specials.contains(b) => 1,
        _ => 0,
    }
}

/// Characters that end a word in column files (a word may contain `?` after its start).
const CONFIG_WORD_STOP: [bool; 256] = byte_set(b" \t\x0B\x0C\r\n#:,!<>[](){}=;/+~&|\\\"'`$-");

/// Characters that end a shell word (`#` inside a word is not a comment).
const SHELL_WORD_STOP: [bool; 256] = byte_set(b" \t\x0B\x0C\r\n\"'`$;|&(){}<>=\\");

fn config_word(lex: &mut ConfigLexer<'_>) {
    let n = word_rest(lex.remainder(), &CONFIG_WORD_STOP);
    lex.bump(n);
}

fn shell_word(lex: &mut ShellLexer<'_>) {
    let n = word_rest(lex.remainder(), &SHELL_WORD_STOP);
    lex.bump(n);
}

fn config_comment(lex: &mut ConfigLexer<'_>) {
    let n = line_rest(lex.remainder());
    lex.bump(n);
}

fn shell_comment(lex: &mut ShellLexer<'_>) {
    let n = line_rest(lex.remainder());
    lex.bump(n);
}

fn config_dollar(lex: &mut ConfigLexer<'_>) {
    let n = dollar_rest(lex.remainder(), b"");
    lex.bump(n);
}

fn shell_dollar(lex: &mut ShellLexer<'_>) {
    let n = dollar_rest(lex.remainder(), b"#?*@$!-");
    lex.bump(n);
}

/// A quote closed before the end of the line: `false` (an error token) if it is not.
fn quoted_on_line(lex: &mut ConfigLexer<'_>) -> bool {
    let quote = lex.slice().chars().next().unwrap_or('"');
    let rest = lex.remainder();
    match rest.find([quote, '\r', '\n']) {
        Some(end) if rest[end..].starts_with(quote) => {
            lex.bump(end + 1);
            true
        }
        _ => false,
    }
}

/// `"..."` with backslash escapes, across lines.
fn shell_double_quoted(lex: &mut ShellLexer<'_>) -> bool {
    let rest = lex.remainder().as_bytes();
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => {
                lex.bump(i + 1);
                return true;
            }
            _ => i += 1,
        }
    }
    false
}

/// `'...'`, across lines.
fn shell_single_quoted(lex: &mut ShellLexer<'_>) -> bool {
    match lex.remainder().find('\'') {
        Some(end) => {
            lex.bump(end + 1);
            true
        }
        None => false,
    }
}

impl ConfigToken {
    fn kind(self) -> SyntaxKind {
        use SyntaxKind as S;
        match self {
            ConfigToken::Whitespace | ConfigToken::LoneCarriageReturn => S::WHITESPACE,
            ConfigToken::Newline => S::NEWLINE,
            ConfigToken::Comment => S::COMMENT,
            ConfigToken::DirectiveName => S::DIRECTIVE_NAME,
            ConfigToken::DollarRef => S::DOLLAR_REF,
            ConfigToken::String => S::STRING,
            ConfigToken::Colon => S::COLON,
            ConfigToken::Comma => S::COMMA,
            ConfigToken::Bang => S::BANG,
            ConfigToken::LAngle => S::L_ANGLE,
            ConfigToken::RAngle => S::R_ANGLE,
            ConfigToken::LBrack => S::L_BRACK,
            ConfigToken::RBrack => S::R_BRACK,
            ConfigToken::LParen => S::L_PAREN,
            ConfigToken::RParen => S::R_PAREN,
            ConfigToken::LCurly => S::L_CURLY,
            ConfigToken::RCurly => S::R_CURLY,
            ConfigToken::Eq => S::EQ,
            ConfigToken::DoubleSemi => S::DOUBLE_SEMI,
            ConfigToken::Semi => S::SEMI,
            ConfigToken::Slash => S::SLASH,
            ConfigToken::Dash => S::DASH,
            ConfigToken::Plus => S::PLUS,
            ConfigToken::Tilde => S::TILDE,
            ConfigToken::Amp => S::AMP,
            ConfigToken::Pipe => S::PIPE,
            ConfigToken::Backslash => S::BACKSLASH,
            ConfigToken::Backtick => S::BACKTICK,
            ConfigToken::Word => S::WORD,
        }
    }
}

impl ShellToken {
    fn kind(self) -> SyntaxKind {
        use SyntaxKind as S;
        match self {
            ShellToken::Whitespace | ShellToken::LoneCarriageReturn => S::WHITESPACE,
            ShellToken::Newline => S::NEWLINE,
            ShellToken::Comment => S::COMMENT,
            ShellToken::DollarRef => S::DOLLAR_REF,
            ShellToken::String => S::STRING,
            ShellToken::Eq => S::EQ,
            ShellToken::Semi => S::SEMI,
            ShellToken::Pipe => S::PIPE,
            ShellToken::Amp => S::AMP,
            ShellToken::LParen => S::L_PAREN,
            ShellToken::RParen => S::R_PAREN,
            ShellToken::LCurly => S::L_CURLY,
            ShellToken::RCurly => S::R_CURLY,
            ShellToken::LAngle => S::L_ANGLE,
            ShellToken::RAngle => S::R_ANGLE,
            ShellToken::Backslash => S::BACKSLASH,
            ShellToken::Backtick => S::BACKTICK,
            ShellToken::Word => S::WORD,
        }
    }
}

/// Splits `text` into tokens. Never fails: every byte ends up in exactly one token, and what
/// the rules do not match becomes an `ERROR_TOKEN`.
pub fn lex(text: &str, mode: LexMode) -> Vec<Token> {
    let mut res = Vec::with_capacity(text.len() / 3 + 1);
    match mode {
        LexMode::Config => {
            let mut lexer = ConfigToken::lexer(text);
            while let Some(it) = lexer.next() {
                let kind = it.map_or(SyntaxKind::ERROR_TOKEN, ConfigToken::kind);
                push(&mut res, text, kind, lexer.span());
            }
        }
        LexMode::Shell => {
            let mut lexer = ShellToken::lexer(text);
            while let Some(it) = lexer.next() {
                let kind = it.map_or(SyntaxKind::ERROR_TOKEN, ShellToken::kind);
                push(&mut res, text, kind, lexer.span());
            }
        }
    }
    res
}

fn push(res: &mut Vec<Token>, text: &str, kind: SyntaxKind, span: std::ops::Range<usize>) {
    let (start, end) = (span.start as u32, span.end as u32);
    // A comment runs to the newline; with CRLF line ends its `\r` belongs to the newline.
    if kind == SyntaxKind::COMMENT && text.as_bytes().get(span.end.wrapping_sub(1)) == Some(&b'\r')
    {
        if end - start > 1 {
            res.push(Token {
                kind,
                start,
                end: end - 1,
            });
        }
        res.push(Token {
            kind: SyntaxKind::WHITESPACE,
            start: end - 1,
            end,
        });
        return;
    }
    if kind == SyntaxKind::NEWLINE {
        // Re-join `\r` + `\n` that a comment split above.
        if let Some(prev) = res.last_mut() {
            if prev.kind == SyntaxKind::WHITESPACE
                && prev.len() == 1
                && text.as_bytes().get(prev.start as usize) == Some(&b'\r')
                && prev.end == start
            {
                prev.kind = SyntaxKind::NEWLINE;
                prev.end = end;
                return;
            }
        }
    }
    // Adjacent error bytes are merged, so binary junk does not make one token per byte.
    if kind == SyntaxKind::ERROR_TOKEN {
        if let Some(prev) = res.last_mut() {
            if prev.kind == SyntaxKind::ERROR_TOKEN && prev.end == start {
                prev.end = end;
                return;
            }
        }
    }
    res.push(Token { kind, start, end });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, mode: LexMode, expect: expect_test::Expect) {
        let tokens = lex(text, mode);
        let mut res = String::new();
        for it in &tokens {
            res.push_str(&format!("{:?} {:?}\n", it.kind, it.text(text)));
        }
        let total: u32 = tokens.iter().map(Token::len).sum();
        assert_eq!(total as usize, text.len());
        expect.assert_eq(&res);
    }

    #[test]
    fn rules_line() {
        check(
            "ACCEPT\tnet:<2001:db8::1>\t$FW tcp 22#ssh\r\n",
            LexMode::Config,
            expect_test::expect![[r##"
                WORD "ACCEPT"
                WHITESPACE "\t"
                WORD "net"
                COLON ":"
                L_ANGLE "<"
                WORD "2001"
                COLON ":"
                WORD "db8"
                COLON ":"
                COLON ":"
                WORD "1"
                R_ANGLE ">"
                WHITESPACE "\t"
                DOLLAR_REF "$FW"
                WHITESPACE " "
                WORD "tcp"
                WHITESPACE " "
                WORD "22"
                COMMENT "#ssh"
                NEWLINE "\r\n"
            "##]],
        );
    }

    #[test]
    fn directives_and_junk() {
        check(
            "?SECTION NEW\n?if $FOO\n\0\u{e9}t\u{e9} \"open\n",
            LexMode::Config,
            expect_test::expect![[r#"
                DIRECTIVE_NAME "?SECTION"
                WHITESPACE " "
                WORD "NEW"
                NEWLINE "\n"
                DIRECTIVE_NAME "?if"
                WHITESPACE " "
                DOLLAR_REF "$FOO"
                NEWLINE "\n"
                WORD "\0été"
                WHITESPACE " "
                ERROR_TOKEN "\""
                WORD "open"
                NEWLINE "\n"
            "#]],
        );
    }

    #[test]
    fn shell_words() {
        check(
            "A=\"x # y\" # c\nB=a#b $(rm -rf /)\n",
            LexMode::Shell,
            expect_test::expect![[r##"
                WORD "A"
                EQ "="
                STRING "\"x # y\""
                WHITESPACE " "
                COMMENT "# c"
                NEWLINE "\n"
                WORD "B"
                EQ "="
                WORD "a#b"
                WHITESPACE " "
                DOLLAR_REF "$"
                L_PAREN "("
                WORD "rm"
                WHITESPACE " "
                WORD "-rf"
                WHITESPACE " "
                WORD "/"
                R_PAREN ")"
                NEWLINE "\n"
            "##]],
        );
    }
}
