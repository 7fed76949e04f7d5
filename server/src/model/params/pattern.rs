//! Shell patterns of `${x%p}`, `${x#p}` and their doubled forms, matched as dash matches them:
//! on bytes (dash has no multibyte support), `*`, `?`, `[...]` with ranges, `[!...]` and
//! `[:class:]`. A quoted character, or one after an unquoted backslash, stands for itself;
//! `^` does not negate a bracket expression.

/// One byte of an expanded pattern: (byte, quoted).
pub(super) type PatternByte = (u8, bool);

#[derive(Debug, Clone)]
enum Token {
    Byte(u8),
    AnyByte,
    AnyString,
    Bracket { negated: bool, items: Vec<Item> },
}

#[derive(Debug, Clone)]
enum Item {
    Byte(u8),
    Range(u8, u8),
    Class(fn(u8) -> bool),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(super) struct Pattern(Vec<Token>);

impl Pattern {
    /// `None` for a pattern we do not follow (an unknown `[:class:]`).
    pub(super) fn new(bytes: &[PatternByte]) -> Option<Pattern> {
        let mut tokens = Vec::new();
        let mut idx = 0;
        while let Some(&(byte, quoted)) = bytes.get(idx) {
            idx += 1;
            let token = match (byte, quoted) {
                (b'*', false) => Token::AnyString,
                (b'?', false) => Token::AnyByte,
                (b'\\', false) => match bytes.get(idx) {
                    Some(&(next, _)) => {
                        idx += 1;
                        Token::Byte(next)
                    }
                    None => Token::Byte(b'\\'),
                },
                (b'[', false) => match bracket(bytes, idx)? {
                    Some((token, end)) => {
                        idx = end;
                        token
                    }
                    None => Token::Byte(b'['),
                },
                _ => Token::Byte(byte),
            };
            tokens.push(token);
        }
        Some(Pattern(tokens))
    }

    /// Whether the pattern matches all of `text`.
    pub(super) fn matches(&self, text: &[u8]) -> bool {
        matches_from(&self.0, text)
    }
}

/// Matches tokens against text, backtracking over `*` (iteratively, remembering only the last
/// star: enough because a later star can absorb whatever an earlier one would have).
fn matches_from(tokens: &[Token], text: &[u8]) -> bool {
    let (mut t, mut s) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        match tokens.get(t) {
            Some(Token::AnyString) => {
                star = Some((t, s));
                t += 1;
                continue;
            }
            Some(token) if s < text.len() && single(token, text[s]) => {
                t += 1;
                s += 1;
                continue;
            }
            None if s == text.len() => return true,
            _ => {}
        }
        match star {
            Some((star_t, star_s)) if star_s < text.len() => {
                star = Some((star_t, star_s + 1));
                t = star_t + 1;
                s = star_s + 1;
            }
            _ => return false,
        }
    }
}

/// Whether a token other than `*` matches one byte.
fn single(token: &Token, byte: u8) -> bool {
    match token {
        Token::Byte(it) => *it == byte,
        Token::AnyByte => true,
        Token::AnyString => false,
        Token::Bracket { negated, items } => {
            let found = items.iter().any(|item| match item {
                Item::Byte(it) => *it == byte,
                Item::Range(low, high) => (*low..=*high).contains(&byte),
                Item::Class(test) => test(byte),
            });
            found != *negated
        }
    }
}

/// The bracket expression after an unquoted `[` at `start`: `Some(None)` when it has no
/// closing `]` (the `[` stands for itself), `None` for a class we do not know.
fn bracket(bytes: &[PatternByte], start: usize) -> Option<Option<(Token, usize)>> {
    let mut idx = start;
    let negated = bytes.get(idx) == Some(&(b'!', false));
    if negated {
        idx += 1;
    }
    let mut items = Vec::new();
    let first = idx;
    loop {
        let Some(&(byte, quoted)) = bytes.get(idx) else {
            return Some(None);
        };
        if byte == b']' && !quoted && idx > first {
            let token = Token::Bracket { negated, items };
            return Some(Some((token, idx + 1)));
        }
        if byte == b'[' && !quoted && bytes.get(idx + 1) == Some(&(b':', false)) {
            let name_start = idx + 2;
            let close = (name_start..bytes.len()).find(|&it| {
                bytes.get(it) == Some(&(b':', false)) && bytes.get(it + 1) == Some(&(b']', false))
            });
            if let Some(close) = close {
                let name: Vec<u8> = bytes[name_start..close].iter().map(|it| it.0).collect();
                items.push(Item::Class(class(&name)?));
                idx = close + 2;
                continue;
            }
        }
        let (byte, next) = match (byte, quoted) {
            (b'\\', false) => match bytes.get(idx + 1) {
                Some(&(escaped, _)) => (escaped, idx + 2),
                None => (b'\\', idx + 1),
            },
            _ => (byte, idx + 1),
        };
        idx = next;
        let is_range = bytes.get(idx) == Some(&(b'-', false))
            && bytes.get(idx + 1).is_some_and(|it| *it != (b']', false));
        if is_range {
            let (high, after) = match bytes.get(idx + 1) {
                Some(&(b'\\', false)) => match bytes.get(idx + 2) {
                    Some(&(escaped, _)) => (escaped, idx + 3),
                    None => (b'\\', idx + 2),
                },
                Some(&(high, _)) => (high, idx + 2),
                None => return Some(None),
            };
            items.push(Item::Range(byte, high));
            idx = after;
        } else {
            items.push(Item::Byte(byte));
        }
    }
}

/// A `[:name:]` class, in the C locale.
fn class(name: &[u8]) -> Option<fn(u8) -> bool> {
    Some(match name {
        b"alnum" => |b: u8| b.is_ascii_alphanumeric(),
        b"alpha" => |b: u8| b.is_ascii_alphabetic(),
        b"blank" => |b: u8| b == b' ' || b == b'\t',
        b"cntrl" => |b: u8| b.is_ascii_control(),
        b"digit" => |b: u8| b.is_ascii_digit(),
        b"graph" => |b: u8| b.is_ascii_graphic(),
        b"lower" => |b: u8| b.is_ascii_lowercase(),
        b"print" => |b: u8| b.is_ascii_graphic() || b == b' ',
        b"punct" => |b: u8| b.is_ascii_punctuation(),
        b"space" => |b: u8| b.is_ascii_whitespace() || b == 0x0b,
        b"upper" => |b: u8| b.is_ascii_uppercase(),
        b"xdigit" => |b: u8| b.is_ascii_hexdigit(),
        _ => return None,
    })
}

/// Which part of a value a pattern removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Removal {
    SmallestSuffix,
    LargestSuffix,
    SmallestPrefix,
    LargestPrefix,
}

/// The value without the part the pattern matches (the value itself when nothing matches).
pub(super) fn remove(value: &[u8], pattern: &Pattern, removal: Removal) -> Vec<u8> {
    let len = value.len();
    let found = match removal {
        Removal::SmallestSuffix => (0..=len)
            .rev()
            .find(|&it| pattern.matches(&value[it..]))
            .map(|it| value[..it].to_vec()),
        Removal::LargestSuffix => (0..=len)
            .find(|&it| pattern.matches(&value[it..]))
            .map(|it| value[..it].to_vec()),
        Removal::SmallestPrefix => (0..=len)
            .find(|&it| pattern.matches(&value[..it]))
            .map(|it| value[it..].to_vec()),
        Removal::LargestPrefix => (0..=len)
            .rev()
            .find(|&it| pattern.matches(&value[..it]))
            .map(|it| value[it..].to_vec()),
    };
    found.unwrap_or_else(|| value.to_vec())
}
