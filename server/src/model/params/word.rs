//! Shell words of `params`, parsed as dash (Debian's `/bin/sh`, which runs `params`) parses
//! them: quotes, backslashes, `~`, `$NAME`, `${NAME OPERATOR WORD}`, `$((...))`, `$(...)` and
//! backquotes. Parsing runs nothing; [`super::expansion`] expands the result.

/// A shell word, as its parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Word(pub(super) Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// Text as written. `quoted` when it is inside quotes or after a backslash: in a pattern,
    /// its `*`, `?` and `[` stand for themselves.
    Text {
        text: String,
        quoted: bool,
    },
    /// `~` or `~user`: a home directory.
    Tilde,
    Parameter(Box<Parameter>),
    /// `$(...)` or a backquoted command: never run.
    CommandSubstitution,
    /// `$((...))`: the expression, expanded before it is evaluated.
    Arithmetic(Word),
}

/// `$NAME` or `${...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parameter {
    pub(super) name: Name,
    pub(super) form: Form,
    /// Inside double quotes: in a pattern, its value stands for itself.
    pub(super) quoted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Name {
    /// `NAME`.
    Variable(String),
    /// `1`, `#`, `?`, `@`, ...: getparams' arguments and the shell's own state.
    Special(String),
}

impl Name {
    pub(super) fn text(&self) -> &str {
        match self {
            Name::Variable(it) | Name::Special(it) => it,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Form {
    /// `$NAME`, `${NAME}`.
    Value,
    /// `${#NAME}`.
    Length,
    /// `${NAME OPERATOR WORD}`.
    Operator(Operator, Word),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operator {
    /// `${x-w}`, `${x:-w}` (`colon`: an empty value counts as unset).
    Default { colon: bool },
    /// `${x=w}`, `${x:=w}`.
    Assign { colon: bool },
    /// `${x+w}`, `${x:+w}`.
    Alternative { colon: bool },
    /// `${x?w}`, `${x:?w}`.
    Error { colon: bool },
    /// `${x%p}`.
    RemoveSmallestSuffix,
    /// `${x%%p}`.
    RemoveLargestSuffix,
    /// `${x#p}`.
    RemoveSmallestPrefix,
    /// `${x##p}`.
    RemoveLargestPrefix,
}

impl Operator {
    fn is_pattern(self) -> bool {
        matches!(
            self,
            Operator::RemoveSmallestSuffix
                | Operator::RemoveLargestSuffix
                | Operator::RemoveSmallestPrefix
                | Operator::RemoveLargestPrefix
        )
    }
}

/// Why a word cannot be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParseError {
    /// dash refuses the line: `Bad substitution`, `Missing '}'`.
    Shell(&'static str),
    /// Something this parser does not follow (an unclosed quote or command substitution, a
    /// stray operator character): the line is left to the shell.
    NotFollowed,
}

/// Where a word is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// An unquoted word; it ends at a blank or an operator character. `assignment`: the value
    /// of `NAME=`, where `~` may also follow a `:`.
    Unquoted { assignment: bool },
    /// Inside `"..."`.
    DoubleQuoted,
    /// The word of `${NAME OPERATOR WORD}`, up to its `}`. `quoted`: the `${` is inside double
    /// quotes and the word is no pattern, so that single quotes stand for themselves.
    Brace { quoted: bool },
    /// Inside `$((...))`.
    Arithmetic,
}

/// How deep quotes and expansions may nest in a word we follow (a hostile line nested deeper
/// must not exhaust the stack).
const MAX_NESTING: usize = 64;

/// Reads shell words from a text.
pub(super) struct WordParser<'a> {
    text: &'a str,
    pos: usize,
    /// How deep in quotes and expansions the parser is.
    nesting: usize,
}

impl<'a> WordParser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        WordParser {
            text,
            pos: 0,
            nesting: 0,
        }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves past `len` bytes of ASCII text already looked at.
    pub(super) fn advance(&mut self, len: usize) {
        self.pos = (self.pos + len).min(self.text.len());
    }

    pub(super) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    /// Skips blanks and `\` line continuations between words.
    pub(super) fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t') => {
                    self.bump();
                }
                Some('\\') if self.peek_second() == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                _ => return,
            }
        }
    }

    /// Skips a comment to the end of its line.
    pub(super) fn skip_comment(&mut self) {
        while self.peek().is_some_and(|it| it != '\n') {
            self.bump();
        }
    }

    /// An unquoted word (a command's argument; `assignment`: the value after `NAME=`).
    pub(super) fn word(&mut self, assignment: bool) -> Result<Word, ParseError> {
        self.parse(Context::Unquoted { assignment })
    }

    fn parse(&mut self, context: Context) -> Result<Word, ParseError> {
        if self.nesting >= MAX_NESTING {
            return Err(ParseError::NotFollowed);
        }
        self.nesting += 1;
        let res = self.parse_nested(context);
        self.nesting -= 1;
        res
    }

    fn parse_nested(&mut self, context: Context) -> Result<Word, ParseError> {
        let mut word = WordBuilder::default();
        let mut paren_depth = 0usize;
        let mut at_start = true;
        loop {
            let Some(ch) = self.peek() else {
                return match context {
                    Context::Unquoted { .. } => Ok(word.finish()),
                    Context::Brace { .. } => Err(ParseError::Shell("Missing '}'")),
                    Context::DoubleQuoted | Context::Arithmetic => Err(ParseError::NotFollowed),
                };
            };
            let tilde_allowed = match context {
                Context::Unquoted { assignment } => {
                    at_start || (assignment && word.ends_with_unquoted(':'))
                }
                Context::Brace { quoted } => at_start && !quoted,
                Context::DoubleQuoted | Context::Arithmetic => false,
            };
            at_start = false;
            match context {
                Context::Unquoted { .. } if " \t\r\n;&|<>()".contains(ch) => {
                    return Ok(word.finish());
                }
                Context::DoubleQuoted if ch == '"' => {
                    self.bump();
                    return Ok(word.finish());
                }
                Context::Brace { .. } if ch == '}' => {
                    self.bump();
                    return Ok(word.finish());
                }
                Context::Arithmetic if ch == '(' => paren_depth += 1,
                Context::Arithmetic if ch == ')' => {
                    if paren_depth == 0 {
                        self.bump();
                        if self.bump() != Some(')') {
                            return Err(ParseError::NotFollowed);
                        }
                        return Ok(word.finish());
                    }
                    paren_depth -= 1;
                }
                _ => {}
            }
            // Whether plain text here is quoted.
            let in_quotes = matches!(
                context,
                Context::DoubleQuoted | Context::Brace { quoted: true }
            );
            match ch {
                '\\' => {
                    self.bump();
                    match self.peek() {
                        Some('\n') => {
                            self.bump();
                        }
                        Some(next) if !in_quotes && context != Context::Arithmetic => {
                            self.bump();
                            word.push(next, true);
                        }
                        Some(next @ ('$' | '`' | '"' | '\\')) => {
                            self.bump();
                            word.push(next, true);
                        }
                        Some('}') if matches!(context, Context::Brace { .. }) => {
                            self.bump();
                            word.push('}', true);
                        }
                        _ => word.push('\\', in_quotes),
                    }
                }
                '\'' if !in_quotes && context != Context::Arithmetic => {
                    self.bump();
                    let rest = self.rest();
                    let end = rest.find('\'').ok_or(ParseError::NotFollowed)?;
                    word.push_str(&rest[..end], true);
                    self.pos += end + 1;
                }
                '"' if context != Context::DoubleQuoted => {
                    self.bump();
                    let inner = self.parse(Context::DoubleQuoted)?;
                    word.extend(inner);
                }
                '$' => {
                    let quoted = context == Context::DoubleQuoted
                        || context == Context::Brace { quoted: true };
                    match self.dollar(quoted)? {
                        Some(part) => word.push_part(part),
                        None => word.push('$', in_quotes),
                    }
                }
                '`' => {
                    self.bump();
                    self.backquoted()?;
                    word.push_part(Part::CommandSubstitution);
                }
                '~' if tilde_allowed && self.tilde_prefix(context) => {
                    word.push_part(Part::Tilde);
                }
                _ => {
                    self.bump();
                    word.push(ch, in_quotes);
                }
            }
        }
    }

    /// After an unquoted `~`: a tilde prefix (a login name, then the end of the word, `/`, or
    /// `:` in an assignment), consumed.
    fn tilde_prefix(&mut self, context: Context) -> bool {
        let rest = self.rest();
        let name_len = rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || b"._-".contains(b))
            .count();
        let after = rest[1 + name_len..].chars().next();
        let ends = match (after, context) {
            (None | Some('/'), _) => true,
            (Some(':'), Context::Unquoted { assignment: true }) => true,
            (Some(ch), Context::Unquoted { .. }) => " \t\n;&|<>()".contains(ch),
            (Some('}'), Context::Brace { .. }) => true,
            _ => false,
        };
        if ends {
            self.pos += 1 + name_len;
        }
        ends
    }

    /// The rest of a backquoted command, after its opening backquote.
    fn backquoted(&mut self) -> Result<(), ParseError> {
        loop {
            match self.bump() {
                Some('`') => return Ok(()),
                Some('\\') => {
                    self.bump();
                }
                Some(_) => {}
                None => return Err(ParseError::NotFollowed),
            }
        }
    }

    /// At `$`: the expansion it starts, or `None` for a `$` that stands for itself.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, ParseError> {
        let rest = self.rest();
        let mut chars = rest.chars().skip(1);
        let (Some(first), second) = (chars.next(), chars.next()) else {
            self.bump();
            return Ok(None);
        };
        match first {
            '{' => {
                self.pos += 2;
                self.braced(quoted).map(Some)
            }
            '(' if second == Some('(') => {
                self.pos += 3;
                let expression = self.parse(Context::Arithmetic)?;
                Ok(Some(Part::Arithmetic(expression)))
            }
            '(' => {
                self.pos += 2;
                self.command_substitution()?;
                Ok(Some(Part::CommandSubstitution))
            }
            _ => {
                self.bump();
                let name = match self.name() {
                    Some(Name::Special(digits)) if digits.len() > 1 => {
                        // `$10` is `$1` followed by `0`.
                        self.pos -= digits.len() - 1;
                        Name::Special(digits[..1].to_owned())
                    }
                    Some(name) => name,
                    None => return Ok(None),
                };
                Ok(Some(Part::Parameter(Box::new(Parameter {
                    name,
                    form: Form::Value,
                    quoted,
                }))))
            }
        }
    }

    /// A parameter's name: a variable name, digits, or one special character.
    fn name(&mut self) -> Option<Name> {
        let rest = self.rest();
        let first = rest.bytes().next()?;
        if first.is_ascii_alphabetic() || first == b'_' {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            self.pos += len;
            return Some(Name::Variable(rest[..len].to_owned()));
        }
        if first.is_ascii_digit() {
            let len = rest.bytes().take_while(u8::is_ascii_digit).count();
            self.pos += len;
            return Some(Name::Special(rest[..len].to_owned()));
        }
        if b"@*#?-$!".contains(&first) {
            self.pos += 1;
            return Some(Name::Special(char::from(first).to_string()));
        }
        None
    }

    /// The rest of `${...}`, after `${`.
    fn braced(&mut self, quoted: bool) -> Result<Part, ParseError> {
        let parameter = |name, form| Part::Parameter(Box::new(Parameter { name, form, quoted }));
        if self.peek() == Some('#') {
            // `${#}` is `$#`; `${#NAME}` a length; otherwise `$#` with an operator.
            let start = self.pos;
            self.bump();
            if self.peek() == Some('}') {
                self.bump();
                return Ok(parameter(Name::Special("#".to_owned()), Form::Value));
            }
            if let Some(name) = self.name() {
                if self.peek() == Some('}') {
                    self.bump();
                    return Ok(parameter(name, Form::Length));
                }
            }
            self.pos = start + 1;
            let name = Name::Special("#".to_owned());
            return self.operator(name, quoted);
        }
        let name = self.name().ok_or(ParseError::Shell("Bad substitution"))?;
        if self.peek() == Some('}') {
            self.bump();
            return Ok(parameter(name, Form::Value));
        }
        self.operator(name, quoted)
    }

    /// `OPERATOR WORD}` after a parameter's name.
    fn operator(&mut self, name: Name, quoted: bool) -> Result<Part, ParseError> {
        let bad = ParseError::Shell("Bad substitution");
        let colon = self.peek() == Some(':');
        if colon {
            self.bump();
        }
        let operator = match (self.bump().ok_or(ParseError::Shell("Missing '}'"))?, colon) {
            ('-', _) => Operator::Default { colon },
            ('=', _) => Operator::Assign { colon },
            ('+', _) => Operator::Alternative { colon },
            ('?', _) => Operator::Error { colon },
            ('%', false) if self.peek() == Some('%') => {
                self.bump();
                Operator::RemoveLargestSuffix
            }
            ('%', false) => Operator::RemoveSmallestSuffix,
            ('#', false) if self.peek() == Some('#') => {
                self.bump();
                Operator::RemoveLargestPrefix
            }
            ('#', false) => Operator::RemoveSmallestPrefix,
            _ => return Err(bad),
        };
        let word = self.parse(Context::Brace {
            quoted: quoted && !operator.is_pattern(),
        })?;
        Ok(Part::Parameter(Box::new(Parameter {
            name,
            form: Form::Operator(operator, word),
            quoted,
        })))
    }

    /// The rest of `$(...)`, after `$(`: up to the `)` that closes it, past nested
    /// parentheses and quotes.
    fn command_substitution(&mut self) -> Result<(), ParseError> {
        let mut depth = 0usize;
        loop {
            match self.bump().ok_or(ParseError::NotFollowed)? {
                '(' => depth += 1,
                ')' if depth == 0 => return Ok(()),
                ')' => depth -= 1,
                '\\' => {
                    self.bump();
                }
                '\'' => {
                    let end = self.rest().find('\'').ok_or(ParseError::NotFollowed)?;
                    self.pos += end + 1;
                }
                '"' => {
                    self.parse(Context::DoubleQuoted)?;
                }
                '`' => self.backquoted()?,
                _ => {}
            }
        }
    }
}

/// Collects a word's parts, joining adjacent text of the same quoting.
#[derive(Default)]
struct WordBuilder {
    parts: Vec<Part>,
}

impl WordBuilder {
    fn push(&mut self, ch: char, quoted: bool) {
        if let Some(Part::Text {
            text,
            quoted: last_quoted,
        }) = self.parts.last_mut()
        {
            if *last_quoted == quoted {
                text.push(ch);
                return;
            }
        }
        self.parts.push(Part::Text {
            text: ch.to_string(),
            quoted,
        });
    }

    fn push_str(&mut self, text: &str, quoted: bool) {
        for ch in text.chars() {
            self.push(ch, quoted);
        }
        if text.is_empty() {
            // `''` is an empty word, not no word.
            self.parts.push(Part::Text {
                text: String::new(),
                quoted,
            });
        }
    }

    fn push_part(&mut self, part: Part) {
        self.parts.push(part);
    }

    fn extend(&mut self, word: Word) {
        for part in word.0 {
            match part {
                Part::Text { text, quoted } => self.push_str(&text, quoted),
                other => self.parts.push(other),
            }
        }
    }

    fn ends_with_unquoted(&self, ch: char) -> bool {
        matches!(self.parts.last(), Some(Part::Text { text, quoted: false }) if text.ends_with(ch))
    }

    fn finish(self) -> Word {
        Word(self.parts)
    }
}
