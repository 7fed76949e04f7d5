//! `?IF` / `?ELSIF` expressions. Shorewall substitutes variables and capabilities into the text
//! and hands it to Perl's `eval`; we evaluate the subset of Perl such expressions use:
//! numbers, quoted strings, `!`/`not`, `&&`/`and`, `||`/`or`, numeric and string comparisons,
//! parentheses, `passed(...)` and `defined(...)`. Anything else is reported as unknown, and the
//! caller then skips the whole conditional rather than guess.

use crate::model::{capabilities::Capabilities, expand::Value};

/// What an expression may refer to.
pub(crate) trait ConditionContext {
    /// `$NAME`: a variable (params, `FW`), or `None` if undefined (which reads as `''`).
    fn variable(&self, name: &str) -> Option<Value>;
    /// `$1`, `@1`, `@chain`, ...: an action parameter, when reading an action body.
    fn action_param(&self, name: &str) -> Option<Value>;
    fn in_action(&self) -> bool;
    fn capabilities(&self) -> &Capabilities;
    fn is_ipv6(&self) -> bool;
}

/// Evaluates an expression to its value (`?SET`): `Ok(text)`, or `Err` with why we could not.
pub(crate) fn evaluate_value(
    expression: &str,
    ctx: &dyn ConditionContext,
) -> Result<String, String> {
    let substituted = substitute(expression.trim(), ctx)?;
    let tokens = tokenize(&substituted)?;
    let mut parser = ExprParser { tokens, pos: 0 };
    let value = parser.or()?;
    if parser.pos != parser.tokens.len() {
        return Err(format!("cannot evaluate '{substituted}'"));
    }
    Ok(value.string())
}

/// Evaluates an expression: `Ok(true/false)`, or `Err` with why we could not.
pub(crate) fn evaluate(expression: &str, ctx: &dyn ConditionContext) -> Result<bool, String> {
    let expression = expression.trim();
    // Shorewall's fast path: `passed($1)` / `!passed(@1)`.
    let substituted = substitute(expression, ctx)?;
    let tokens = tokenize(&substituted)?;
    let mut parser = ExprParser { tokens, pos: 0 };
    let value = parser.or()?;
    if parser.pos != parser.tokens.len() {
        return Err(format!("cannot evaluate '{substituted}'"));
    }
    Ok(value.truthy())
}

fn quote(value: &str, before: &str) -> String {
    let numeric = {
        let digits = value.strip_prefix('-').unwrap_or(value);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    let in_quotes = before.matches('"').count() % 2 == 1 || before.matches('\'').count() % 2 == 1;
    if numeric || in_quotes {
        value.to_owned()
    } else {
        format!("'{value}'")
    }
}

/// Replaces `$VAR`, `@N` (in actions) and `__CAPABILITY`, as Shorewall does before `eval`.
fn substitute(expression: &str, ctx: &dyn ConditionContext) -> Result<String, String> {
    let mut res = String::new();
    let chars: Vec<char> = expression.chars().collect();
    let mut idx = 0;
    while idx < chars.len() {
        let ch = chars[idx];
        let sigil = ch == '$' || (ch == '@' && ctx.in_action());
        if sigil {
            let (name, next) = reference_name(&chars, idx + 1);
            if let Some(name) = name {
                let value = if ch == '@' || name.bytes().all(|b| b.is_ascii_digit()) {
                    if !ctx.in_action() {
                        return Err(format!(
                            "Action parameters (${name}) may only be referenced within the body of an action"
                        ));
                    }
                    ctx.action_param(&name)
                } else {
                    ctx.variable(&name)
                };
                let value = match value {
                    Some(Value::Known(it)) => it,
                    Some(Value::Unknown) => return Err(format!("the value of ${name} is unknown")),
                    None => String::new(),
                };
                res.push_str(&quote(&value, &res));
                idx = next;
                continue;
            }
        }
        if ch == '_' && chars.get(idx + 1) == Some(&'_') {
            let (name, next) = reference_name(&chars, idx + 2);
            if let Some(name) = name {
                let value = if name == "IPV6" {
                    if ctx.is_ipv6() { "1" } else { "0" }.to_owned()
                } else if name == "IPV4" {
                    if ctx.is_ipv6() { "0" } else { "1" }.to_owned()
                } else if ctx.capabilities().is_known(&name) {
                    match ctx.capabilities().value(&name) {
                        Some(it) if !it.is_empty() => quote(it, &res),
                        _ => "0".to_owned(),
                    }
                } else {
                    return Err(format!("Unknown capability ({name})"));
                };
                res.push_str(&value);
                idx = next;
                continue;
            }
        }
        res.push(ch);
        idx += 1;
    }
    Ok(res)
}

/// A name after a sigil: `NAME`, `{NAME}` or digits.
fn reference_name(chars: &[char], start: usize) -> (Option<String>, usize) {
    let braced = chars.get(start) == Some(&'{');
    let mut idx = if braced { start + 1 } else { start };
    let name_start = idx;
    while chars
        .get(idx)
        .is_some_and(|it| it.is_ascii_alphanumeric() || *it == '_')
    {
        idx += 1;
    }
    if idx == name_start {
        return (None, start);
    }
    let name: String = chars[name_start..idx].iter().collect();
    if braced {
        if chars.get(idx) != Some(&'}') {
            return (None, start);
        }
        idx += 1;
    }
    (Some(name), idx)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Str(String),
    Word(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    const OPS: &[&str] = &[
        "&&", "||", "==", "!=", "<=", ">=", "=~", "!~", "!", "<", ">", "+", "-", "*", "/", "%", ".",
    ];
    let mut res = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut idx = 0;
    'outer: while idx < chars.len() {
        let ch = chars[idx];
        if ch.is_whitespace() {
            idx += 1;
            continue;
        }
        match ch {
            '(' => {
                res.push(Token::LParen);
                idx += 1;
                continue;
            }
            ')' => {
                res.push(Token::RParen);
                idx += 1;
                continue;
            }
            ',' => {
                res.push(Token::Comma);
                idx += 1;
                continue;
            }
            '\'' | '"' => {
                let end = chars[idx + 1..]
                    .iter()
                    .position(|it| *it == ch)
                    .ok_or_else(|| format!("unterminated string in '{text}'"))?;
                res.push(Token::Str(chars[idx + 1..idx + 1 + end].iter().collect()));
                idx += end + 2;
                continue;
            }
            _ => {}
        }
        for op in OPS {
            let op_chars: Vec<char> = op.chars().collect();
            if chars[idx..].starts_with(&op_chars) {
                res.push(Token::Op(op));
                idx += op_chars.len();
                continue 'outer;
            }
        }
        if ch.is_ascii_digit()
            || (ch == '-' && chars.get(idx + 1).is_some_and(char::is_ascii_digit))
        {
            let start = idx;
            idx += 1;
            while chars
                .get(idx)
                .is_some_and(|it| it.is_ascii_digit() || *it == '.')
            {
                idx += 1;
            }
            let number: String = chars[start..idx].iter().collect();
            res.push(Token::Number(
                number.parse().map_err(|_| format!("bad number {number}"))?,
            ));
            continue;
        }
        if ch.is_ascii_alphabetic() || ch == '_' {
            let start = idx;
            while chars
                .get(idx)
                .is_some_and(|it| it.is_ascii_alphanumeric() || *it == '_')
            {
                idx += 1;
            }
            res.push(Token::Word(chars[start..idx].iter().collect()));
            continue;
        }
        return Err(format!("cannot evaluate '{text}'"));
    }
    Ok(res)
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Num(f64),
    Str(String),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Num(it) => *it != 0.0,
            Val::Str(it) => !it.is_empty() && it != "0",
        }
    }

    fn num(&self) -> f64 {
        match self {
            Val::Num(it) => *it,
            Val::Str(it) => {
                let prefix: String = it
                    .trim_start()
                    .chars()
                    .enumerate()
                    .take_while(|(idx, c)| {
                        c.is_ascii_digit() || *c == '.' || (*idx == 0 && *c == '-')
                    })
                    .map(|(_, c)| c)
                    .collect();
                prefix.parse().unwrap_or(0.0)
            }
        }
    }

    fn string(&self) -> String {
        match self {
            Val::Num(it) if it.fract() == 0.0 => format!("{}", *it as i64),
            Val::Num(it) => it.to_string(),
            Val::Str(it) => it.clone(),
        }
    }
}

fn bool_val(value: bool) -> Val {
    if value {
        Val::Num(1.0)
    } else {
        Val::Str(String::new())
    }
}

struct ExprParser {
    tokens: Vec<Token>,
    pos: usize,
}

impl ExprParser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn at_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(it)) if it == word)
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token::Op(it)) if *it == op)
    }

    fn or(&mut self) -> Result<Val, String> {
        let mut left = self.and()?;
        while self.at_op("||") || self.at_word("or") {
            self.pos += 1;
            let right = self.and()?;
            left = if left.truthy() { left } else { right };
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Val, String> {
        let mut left = self.not()?;
        while self.at_op("&&") || self.at_word("and") {
            self.pos += 1;
            let right = self.not()?;
            left = if left.truthy() { right } else { left };
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Val, String> {
        if self.at_op("!") || self.at_word("not") {
            self.pos += 1;
            let value = self.not()?;
            return Ok(bool_val(!value.truthy()));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Val, String> {
        let left = self.additive()?;
        let op = match self.peek() {
            Some(Token::Op(op)) if ["==", "!=", "<", ">", "<=", ">="].contains(op) => {
                op.to_string()
            }
            Some(Token::Word(word))
                if ["eq", "ne", "lt", "gt", "le", "ge"].contains(&word.as_str()) =>
            {
                word.clone()
            }
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.additive()?;
        let res = match op.as_str() {
            "==" => left.num() == right.num(),
            "!=" => left.num() != right.num(),
            "<" => left.num() < right.num(),
            ">" => left.num() > right.num(),
            "<=" => left.num() <= right.num(),
            ">=" => left.num() >= right.num(),
            "eq" => left.string() == right.string(),
            "ne" => left.string() != right.string(),
            "lt" => left.string() < right.string(),
            "gt" => left.string() > right.string(),
            "le" => left.string() <= right.string(),
            _ => left.string() >= right.string(),
        };
        Ok(bool_val(res))
    }

    /// `+`, `-` and string concatenation `.`.
    fn additive(&mut self) -> Result<Val, String> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op(op)) if ["+", "-", "."].contains(op) => *op,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            left = match op {
                "+" => Val::Num(left.num() + right.num()),
                "-" => Val::Num(left.num() - right.num()),
                _ => Val::Str(left.string() + &right.string()),
            };
        }
    }

    /// `*`, `/` and `%`.
    fn multiplicative(&mut self) -> Result<Val, String> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op(op)) if ["*", "/", "%"].contains(op) => *op,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.term()?;
            left = match op {
                "*" => Val::Num(left.num() * right.num()),
                "/" if right.num() == 0.0 => return Err("Illegal division by zero".to_owned()),
                "/" => Val::Num(left.num() / right.num()),
                _ if right.num() as i64 == 0 => {
                    return Err("Illegal modulus zero".to_owned());
                }
                _ => Val::Num(((left.num() as i64) % (right.num() as i64)) as f64),
            };
        }
    }

    fn term(&mut self) -> Result<Val, String> {
        let token = self.peek().cloned().ok_or("unexpected end of expression")?;
        self.pos += 1;
        match token {
            Token::Op("-") => Ok(Val::Num(-self.term()?.num())),
            Token::Number(it) => Ok(Val::Num(it)),
            Token::Str(it) => Ok(Val::Str(it)),
            Token::LParen => {
                let value = self.or()?;
                if self.peek() != Some(&Token::RParen) {
                    return Err("missing ')'".into());
                }
                self.pos += 1;
                Ok(value)
            }
            Token::Word(word) if word == "passed" || word == "defined" => {
                let has_paren = self.peek() == Some(&Token::LParen);
                if has_paren {
                    self.pos += 1;
                }
                let value = match self.peek().cloned() {
                    Some(Token::RParen) if has_paren => Val::Str(String::new()),
                    _ => self.term()?,
                };
                if has_paren {
                    if self.peek() != Some(&Token::RParen) {
                        return Err("missing ')'".into());
                    }
                    self.pos += 1;
                }
                let text = value.string();
                Ok(bool_val(if word == "passed" {
                    !text.is_empty() && text != "-"
                } else {
                    true
                }))
            }
            other => Err(format!("cannot evaluate {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct Ctx {
        vars: HashMap<&'static str, &'static str>,
        params: Vec<&'static str>,
        caps: Capabilities,
    }

    impl ConditionContext for Ctx {
        fn variable(&self, name: &str) -> Option<Value> {
            self.vars.get(name).map(|it| Value::Known((*it).to_owned()))
        }
        fn action_param(&self, name: &str) -> Option<Value> {
            let idx: usize = name.parse().ok()?;
            self.params
                .get(idx.checked_sub(1)?)
                .map(|it| Value::Known((*it).to_owned()))
        }
        fn in_action(&self) -> bool {
            !self.params.is_empty()
        }
        fn capabilities(&self) -> &Capabilities {
            &self.caps
        }
        fn is_ipv6(&self) -> bool {
            true
        }
    }

    #[test]
    fn expressions() {
        let ctx = Ctx {
            vars: HashMap::from([("FOO", "yes"), ("N", "3")]),
            params: vec!["audit", "-"],
            caps: Capabilities::parse("ADDRTYPE=\nCOMMENTS=Yes\nCAPVERSION=50207\n"),
        };
        let eval = |it: &str| evaluate(it, &ctx);
        assert_eq!(eval("$FOO"), Ok(true));
        assert_eq!(eval("$UNSET"), Ok(false));
        assert_eq!(eval("$N == 3 && __IPV6"), Ok(true));
        assert_eq!(eval("__IPV4 || ! __ADDRTYPE"), Ok(true));
        assert_eq!(eval("__COMMENTS"), Ok(true));
        assert_eq!(eval("passed(@1)"), Ok(true));
        assert_eq!(eval("! passed(@2)"), Ok(true));
        assert_eq!(eval("@1 eq 'audit'"), Ok(true));
        assert_eq!(eval("$1 ne 'audit' and 1"), Ok(false));
        assert!(eval("__BOGUS").is_err());
        assert!(eval("$FOO =~ /x/").is_err());
    }
}
