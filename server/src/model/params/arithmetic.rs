//! `$((...))` of `params`, evaluated as dash evaluates it, where that is simple and exact:
//! integer constants (decimal, `0` octal, `0x` hexadecimal), variables holding such an
//! integer (unset or blank is 0), the unary `+ - ! ~`, the binary operators of C from `*` to
//! `||` and `?:` (both evaluating only the side they need), parentheses, on 64-bit integers
//! that wrap as dash's do. A division by zero and a variable that holds no number stop dash,
//! as they stop us. Anything else (assignments, `++`, a constant out of range) is not
//! evaluated.

/// The most tokens an expression we evaluate may have.
const MAX_TOKENS: usize = 256;

/// What the expression's variables hold, as far as we know: `Err(())` when unknown.
pub(super) type Lookup<'a> = dyn Fn(&str) -> Result<Option<String>, ()> + 'a;

/// What an expression comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    Value(i64),
    /// It depends on a variable whose value we do not know.
    Unknown,
    /// An expression we do not evaluate.
    NotEvaluated,
    /// dash stops, with this message.
    Stopped(String),
}

/// The value of an expression (as expanded: the text dash's messages show).
pub(super) fn evaluate(expression: &str, lookup: &Lookup<'_>) -> Outcome {
    // A longer expression is not evaluated: its tree, which is walked recursively, stays
    // shallow.
    let tokens = match tokenize(expression) {
        Some(tokens) if tokens.len() <= MAX_TOKENS => tokens,
        _ => return Outcome::NotEvaluated,
    };
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
    };
    let expr = match parser.ternary() {
        Some(expr) if parser.pos == tokens.len() => expr,
        _ => return Outcome::NotEvaluated,
    };
    let evaluation = Evaluation { expression, lookup };
    match evaluation.value(&expr) {
        Ok(value) => Outcome::Value(value),
        Err(outcome) => outcome,
    }
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
    i64::from_str_radix(digits, radix).ok()
}

/// A variable's value as a number (blanks around a signed integer; blank is 0), or `None`
/// where dash finds no number in it (`Illegal number`, also for one out of range).
fn variable_value(value: &str) -> Option<i64> {
    let value = value.trim_matches([' ', '\t', '\n']);
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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Number(i64),
    Name(String),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
}

/// Binary operators by precedence, loosest first.
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

impl Parser<'_> {
    fn peek_operator(&self) -> Option<&'static str> {
        match self.tokens.get(self.pos) {
            Some(Token::Operator(it)) => Some(it),
            _ => None,
        }
    }

    fn expect(&mut self, operator: &str) -> Option<()> {
        (self.peek_operator() == Some(operator)).then(|| self.pos += 1)
    }

    fn ternary(&mut self) -> Option<Expr> {
        let condition = self.binary(0)?;
        if self.peek_operator() != Some("?") {
            return Some(condition);
        }
        self.pos += 1;
        let then = self.ternary()?;
        self.expect(":")?;
        let otherwise = self.ternary()?;
        Some(Expr::Ternary(
            Box::new(condition),
            Box::new(then),
            Box::new(otherwise),
        ))
    }

    fn binary(&mut self, level: usize) -> Option<Expr> {
        let Some(operators) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        while let Some(operator) = self.peek_operator().filter(|it| operators.contains(it)) {
            self.pos += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Binary(operator, Box::new(left), Box::new(right));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        let token = self.tokens.get(self.pos)?;
        self.pos += 1;
        match token {
            Token::Operator("(") => {
                let value = self.ternary()?;
                self.expect(")")?;
                Some(value)
            }
            Token::Operator(operator @ ("+" | "-" | "!" | "~")) => {
                Some(Expr::Unary(operator, Box::new(self.unary()?)))
            }
            Token::Operator(_) => None,
            Token::Number(number) => Some(Expr::Number(*number)),
            Token::Name(name) => Some(Expr::Name(name.clone())),
        }
    }
}

/// Evaluates a parsed expression.
struct Evaluation<'e, 'l> {
    expression: &'e str,
    lookup: &'e Lookup<'l>,
}

impl Evaluation<'_, '_> {
    fn value(&self, expr: &Expr) -> Result<i64, Outcome> {
        Ok(match expr {
            Expr::Number(number) => *number,
            Expr::Name(name) => match (self.lookup)(name).map_err(|()| Outcome::Unknown)? {
                None => 0,
                Some(value) => variable_value(&value)
                    .ok_or_else(|| Outcome::Stopped(format!("Illegal number: {value}")))?,
            },
            Expr::Unary(operator, operand) => {
                let operand = self.value(operand)?;
                match *operator {
                    "-" => operand.wrapping_neg(),
                    "!" => i64::from(operand == 0),
                    "~" => !operand,
                    _ => operand,
                }
            }
            Expr::Ternary(condition, then, otherwise) => {
                if self.value(condition)? != 0 {
                    self.value(then)?
                } else {
                    self.value(otherwise)?
                }
            }
            Expr::Binary("&&", left, right) => {
                i64::from(self.value(left)? != 0 && self.value(right)? != 0)
            }
            Expr::Binary("||", left, right) => {
                i64::from(self.value(left)? != 0 || self.value(right)? != 0)
            }
            Expr::Binary(operator, left, right) => {
                let (left, right) = (self.value(left)?, self.value(right)?);
                self.apply(operator, left, right)?
            }
        })
    }

    fn apply(&self, operator: &str, left: i64, right: i64) -> Result<i64, Outcome> {
        if matches!(operator, "/" | "%") && right == 0 {
            return Err(Outcome::Stopped(format!(
                "arithmetic expression: division by zero: \"{}\"",
                self.expression
            )));
        }
        let shift = || {
            u32::try_from(right)
                .ok()
                .filter(|it| *it < 64)
                .ok_or(Outcome::NotEvaluated)
        };
        Ok(match operator {
            "|" => left | right,
            "^" => left ^ right,
            "&" => left & right,
            "==" => i64::from(left == right),
            "!=" => i64::from(left != right),
            "<" => i64::from(left < right),
            "<=" => i64::from(left <= right),
            ">" => i64::from(left > right),
            ">=" => i64::from(left >= right),
            "<<" => left.wrapping_shl(shift()?),
            ">>" => left.wrapping_shr(shift()?),
            "+" => left.wrapping_add(right),
            "-" => left.wrapping_sub(right),
            "*" => left.wrapping_mul(right),
            // i64::MIN / -1 makes dash crash.
            "/" => left.checked_div(right).ok_or(Outcome::NotEvaluated)?,
            "%" => left.checked_rem(right).ok_or(Outcome::NotEvaluated)?,
            _ => return Err(Outcome::NotEvaluated),
        })
    }
}
