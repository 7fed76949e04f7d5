//! `$((...))` of `params`, evaluated as dash evaluates it, where that is simple and exact:
//! integer constants (decimal, `0` octal, `0x` hexadecimal), variables holding such an
//! integer (unset or empty is 0), the unary `+ - ! ~`, the binary operators of C from `*` to
//! `||`, `?:` and parentheses, on 64-bit integers that wrap as dash's do. Anything else
//! (assignments, `++`, a division by zero, a value that is not a number, which stop dash) is
//! not evaluated.

/// What the expression's variables hold, as far as we know: `Err(())` when unknown.
pub(super) type Lookup<'a> = dyn Fn(&str) -> Result<Option<String>, ()> + 'a;

/// The value of an expression, or `None` where it is not evaluated.
pub(super) fn evaluate(expression: &str, lookup: &Lookup<'_>) -> Option<i64> {
    let tokens = tokenize(expression)?;
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
        lookup,
    };
    let value = parser.ternary()?;
    (parser.pos == tokens.len()).then_some(value)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Number(i64),
    Name(String),
    Operator(&'static str),
}

const OPERATORS: &[&str] = &[
    "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "&", "^",
    "|", "!", "~", "?", ":", "(", ")",
];

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n']);
        let Some(first) = rest.bytes().next() else {
            return Some(tokens);
        };
        if first.is_ascii_digit() {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            tokens.push(Token::Number(integer(&rest[..len])?));
            rest = &rest[len..];
        } else if first.is_ascii_alphabetic() || first == b'_' {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            tokens.push(Token::Name(rest[..len].to_owned()));
            rest = &rest[len..];
        } else {
            let operator = OPERATORS.iter().find(|it| rest.starts_with(**it))?;
            // `=`, `+=`, `++` and the like assign: not evaluated.
            let after = &rest[operator.len()..];
            let assigns = (after.starts_with('=') && !matches!(*operator, "<" | ">" | "!" | "="))
                || (matches!(*operator, "+" | "-") && after.starts_with(*operator));
            if assigns {
                return None;
            }
            tokens.push(Token::Operator(operator));
            rest = after;
        }
    }
}

/// An integer as C's `strtoimax(text, 0)` reads all of it: decimal, `0` octal, `0x` hex.
fn integer(text: &str) -> Option<i64> {
    let (digits, radix) =
        if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (hex, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    if digits.is_empty() || !digits.chars().all(|it| it.is_digit(radix)) {
        return None;
    }
    // dash's strtoimax saturates above the range; that is not followed.
    i64::from_str_radix(digits, radix).ok()
}

/// A variable's value as a number: blanks, a sign, then an integer.
fn variable_value(value: &str) -> Option<i64> {
    let value = value.trim_start_matches([' ', '\t', '\n']);
    if value.is_empty() {
        return Some(0);
    }
    let (negative, digits) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let number = integer(digits)?;
    Some(if negative {
        number.wrapping_neg()
    } else {
        number
    })
}

struct Parser<'t, 'l> {
    tokens: &'t [Token],
    pos: usize,
    lookup: &'t Lookup<'l>,
}

/// Binary operators by precedence, loosest first (`||` and `&&` apart, as they short-circuit
/// only in what they evaluate, not in their value).
const LEVELS: &[&[&str]] = &[
    &["||"],
    &["&&"],
    &["|"],
    &["^"],
    &["&"],
    &["==", "!="],
    &["<", "<=", ">", ">="],
    &["<<", ">>"],
    &["+", "-"],
    &["*", "/", "%"],
];

impl Parser<'_, '_> {
    fn peek_operator(&self) -> Option<&'static str> {
        match self.tokens.get(self.pos) {
            Some(Token::Operator(it)) => Some(it),
            _ => None,
        }
    }

    fn expect(&mut self, operator: &str) -> Option<()> {
        (self.peek_operator() == Some(operator)).then(|| self.pos += 1)
    }

    fn ternary(&mut self) -> Option<i64> {
        let condition = self.binary(0)?;
        if self.peek_operator() != Some("?") {
            return Some(condition);
        }
        self.pos += 1;
        let then = self.ternary()?;
        self.expect(":")?;
        let otherwise = self.ternary()?;
        Some(if condition != 0 { then } else { otherwise })
    }

    fn binary(&mut self, level: usize) -> Option<i64> {
        let Some(operators) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        while let Some(operator) = self.peek_operator().filter(|it| operators.contains(it)) {
            self.pos += 1;
            let right = self.binary(level + 1)?;
            left = apply(operator, left, right)?;
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<i64> {
        match self.tokens.get(self.pos)? {
            Token::Operator(operator) => {
                let operator = *operator;
                self.pos += 1;
                match operator {
                    "(" => {
                        let value = self.ternary()?;
                        self.expect(")")?;
                        Some(value)
                    }
                    "+" => self.unary(),
                    "-" => self.unary().map(i64::wrapping_neg),
                    "!" => self.unary().map(|it| i64::from(it == 0)),
                    "~" => self.unary().map(|it| !it),
                    _ => None,
                }
            }
            Token::Number(number) => {
                self.pos += 1;
                Some(*number)
            }
            Token::Name(name) => {
                self.pos += 1;
                match (self.lookup)(name).ok()? {
                    Some(value) => variable_value(&value),
                    None => Some(0),
                }
            }
        }
    }
}

fn apply(operator: &str, left: i64, right: i64) -> Option<i64> {
    Some(match operator {
        "||" => i64::from(left != 0 || right != 0),
        "&&" => i64::from(left != 0 && right != 0),
        "|" => left | right,
        "^" => left ^ right,
        "&" => left & right,
        "==" => i64::from(left == right),
        "!=" => i64::from(left != right),
        "<" => i64::from(left < right),
        "<=" => i64::from(left <= right),
        ">" => i64::from(left > right),
        ">=" => i64::from(left >= right),
        "<<" => left.wrapping_shl(u32::try_from(right).ok().filter(|it| *it < 64)?),
        ">>" => left.wrapping_shr(u32::try_from(right).ok().filter(|it| *it < 64)?),
        "+" => left.wrapping_add(right),
        "-" => left.wrapping_sub(right),
        "*" => left.wrapping_mul(right),
        "/" => left.checked_div(right)?,
        "%" => left.checked_rem(right)?,
        _ => return None,
    })
}
