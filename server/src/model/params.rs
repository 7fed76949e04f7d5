//! The `params` file, evaluated statically. Shorewall runs it with `/bin/sh`; we never start a
//! shell. Plain assignments (`[export] NAME=value`, with quoting and `$NAME`/`${NAME}`
//! expansion) are evaluated; every other shell line is left alone with a warning, and the names
//! it may assign become unknown, so that nothing is checked against a value we cannot know.

use std::collections::HashMap;

use shorewall_syntax::{
    ast::{self, AstNode},
    SyntaxKind, SyntaxNode,
};

use crate::model::{
    diagnostic::{Diagnostic, Site},
    expand::Value,
    FileId,
};

/// One variable of params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: Value,
    /// The assignment that set it last (or the shell line that may set it).
    pub site: Site,
}

/// The variables of params, in the order they were set; a later assignment wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    list: Vec<Param>,
    by_name: HashMap<String, usize>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.by_name.get(name).and_then(|&idx| self.list.get(idx))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Param> {
        self.list.iter()
    }

    pub(crate) fn set(&mut self, param: Param) {
        match self.by_name.get(&param.name) {
            Some(&idx) => self.list[idx] = param,
            None => {
                self.by_name.insert(param.name.clone(), self.list.len());
                self.list.push(param);
            }
        }
    }
}

/// Environment variables the shell would see: their values are unknown to us.
const ENVIRONMENT: &[&str] = &[
    "HOME", "PATH", "USER", "LOGNAME", "SHELL", "PWD", "LANG", "TERM", "HOSTNAME", "TZ",
];

/// Reads an INCLUDEd params file (name, where the INCLUDE is) into the params.
pub(crate) type IncludeParams<'a> = dyn FnMut(&str, Site, &mut Params, &mut Vec<Diagnostic>) + 'a;

/// Evaluates the assignments of one params file into `params`.
pub(crate) fn evaluate(
    file: FileId,
    tree: &ast::SourceFile,
    params: &mut Params,
    diagnostics: &mut Vec<Diagnostic>,
    include: &mut IncludeParams<'_>,
) {
    for item in tree.items() {
        match item {
            ast::Item::Directive(directive) if directive.name() == "INCLUDE" => {
                let site = Site {
                    file,
                    range: directive.syntax().text_range(),
                };
                include(directive.argument().trim(), site, params, diagnostics);
            }
            ast::Item::Assignment(assignment) => {
                let (Some(name_node), Some(value_node)) =
                    (assignment.name_node(), assignment.value_node())
                else {
                    continue;
                };
                let name = name_node.text().to_string();
                let value = shell_word(&value_node, params);
                let site = Site {
                    file,
                    range: assignment.syntax().text_range(),
                };
                params.set(Param { name, value, site });
            }
            ast::Item::ShellLine(line) => {
                let site = Site {
                    file,
                    range: line.syntax().text_range(),
                };
                if let Some(operator) = dangling_redirection(&line.syntax().text().to_string()) {
                    // The shell cannot parse the params file: Shorewall stops. The names
                    // the line assigns stay unknown (no second error where they are used).
                    for name in assigned_names(line.syntax()) {
                        params.set(Param {
                            name,
                            value: Value::Unknown,
                            site,
                        });
                    }
                    diagnostics.push(Diagnostic::error(
                        "syntax-error",
                        site,
                        format!(
                            "Processing of params failed: the shell cannot parse this line (a redirection '{operator}' without a file)"
                        ),
                    ));
                    continue;
                }
                if let Some((name, command)) = prefix_assignment(line.syntax()) {
                    // `NAME= value`: the shell runs `value` as a command with NAME in its
                    // environment only; NAME itself stays as it was.
                    diagnostics.push(Diagnostic::warning(
                        "params-not-evaluated",
                        site,
                        format!(
                            "this params line runs the command '{command}' with ${name} set for that command only, so it does not set ${name} (no space after '=' assigns the value)"
                        ),
                    ));
                    continue;
                }
                let names = assigned_names(line.syntax());
                let message = if names.is_empty() {
                    "this params line is shell, which shorewall-ls does not run".to_owned()
                } else {
                    for name in &names {
                        params.set(Param {
                            name: name.clone(),
                            value: Value::Unknown,
                            site,
                        });
                    }
                    format!(
                        "this params line is shell, which shorewall-ls does not run: the value of {} is unknown",
                        names.iter().map(|it| format!("${it}")).collect::<Vec<_>>().join(", ")
                    )
                };
                diagnostics.push(Diagnostic::warning("params-not-evaluated", site, message));
            }
            _ => {}
        }
    }
}

/// A line that ends in an unquoted `<` or `>` (before any comment): a redirection without a
/// file, which is a shell syntax error (`NAME=<value>`).
fn dangling_redirection(line: &str) -> Option<char> {
    if line.contains(['\'', '"', '\\', '`']) {
        return None;
    }
    let code = line.split('#').next().unwrap_or("").trim_end();
    code.chars().last().filter(|it| matches!(it, '<' | '>'))
}

/// A shell variable's name: a letter or `_`, then letters, digits and `_`.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|it| it.is_ascii_alphabetic() || it == '_')
        && chars.all(|it| it.is_ascii_alphanumeric() || it == '_')
}

/// `NAME= command args`: an empty assignment that prefixes one plain command (a command that
/// cannot set the shell's variables, with nothing else on the line): (NAME, command).
fn prefix_assignment(line: &SyntaxNode) -> Option<(String, String)> {
    let text = line.text().to_string();
    let (name, rest) = text.split_once('=')?;
    if !is_variable_name(name) || !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or("").trim();
    let command = rest.split_whitespace().next()?;
    // Builtins that may set variables, and anything the shell would expand or chain.
    const SETS_VARIABLES: &[&str] = &[
        ".", ":", "eval", "exec", "export", "readonly", "set", "unset", "read", "local", "getopts",
        "source", "typeset", "declare", "alias", "cd", "shift", "trap", "return", "exit",
    ];
    let plain = |it: &str| {
        it.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_./:,@%+-".contains(ch))
    };
    let simple = rest.split_whitespace().all(plain);
    (simple && !SETS_VARIABLES.contains(&command) && !command.contains('='))
        .then(|| (name.to_owned(), command.to_owned()))
}

/// The names a shell line may assign: `NAME=` at the start of a word.
fn assigned_names(line: &SyntaxNode) -> Vec<String> {
    let tokens: Vec<_> = line
        .descendants_with_tokens()
        .filter_map(|it| it.into_token())
        .collect();
    let mut res = Vec::new();
    for (idx, token) in tokens.iter().enumerate() {
        let starts_word = idx == 0
            || matches!(
                tokens[idx - 1].kind(),
                SyntaxKind::WHITESPACE | SyntaxKind::SEMI | SyntaxKind::AMP | SyntaxKind::PIPE
            );
        let is_name = token.kind() == SyntaxKind::WORD && is_variable_name(token.text());
        if starts_word
            && is_name
            && tokens
                .get(idx + 1)
                .is_some_and(|it| it.kind() == SyntaxKind::EQ)
        {
            let name = token.text().to_owned();
            if !res.contains(&name) {
                res.push(name);
            }
        }
    }
    res
}

/// The value of a shell word made of unquoted text, `'literal'`, `"expanded"` and `$NAME`.
fn shell_word(value: &SyntaxNode, params: &Params) -> Value {
    let mut res = String::new();
    for token in value
        .descendants_with_tokens()
        .filter_map(|it| it.into_token())
    {
        let text = token.text();
        let piece = match token.kind() {
            SyntaxKind::STRING if text.starts_with('\'') => Value::Known(
                text.trim_start_matches('\'')
                    .trim_end_matches('\'')
                    .to_owned(),
            ),
            SyntaxKind::STRING => {
                double_quoted(&text[1..text.len().saturating_sub(1).max(1)], params)
            }
            SyntaxKind::DOLLAR_REF => reference(text, params),
            _ => Value::Known(text.to_owned()),
        };
        match piece {
            Value::Known(it) => res.push_str(&it),
            Value::Unknown => return Value::Unknown,
        }
    }
    Value::Known(res)
}

/// The inside of `"..."`: backslash escapes and `$NAME` references; command substitution makes
/// the value unknown.
fn double_quoted(inner: &str, params: &Params) -> Value {
    let mut res = String::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((idx, ch)) = chars.next() {
        match ch {
            '\\' => match chars.peek() {
                Some(&(_, next @ ('$' | '"' | '\\' | '`'))) => {
                    res.push(next);
                    chars.next();
                }
                _ => res.push('\\'),
            },
            '`' => return Value::Unknown,
            '$' => {
                let rest = &inner[idx..];
                let len = reference_len(rest);
                if len == 1 {
                    if rest[1..].starts_with('(') {
                        return Value::Unknown;
                    }
                    res.push('$');
                    continue;
                }
                match reference(&rest[..len], params) {
                    Value::Known(it) => res.push_str(&it),
                    Value::Unknown => return Value::Unknown,
                }
                for _ in 1..rest[..len].chars().count() {
                    chars.next();
                }
            }
            _ => res.push(ch),
        }
    }
    Value::Known(res)
}

/// The length of the `$...` reference at the start of `text` (1 for a lone `$`).
fn reference_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(1) == Some(&b'{') {
        return text.find('}').map_or(1, |it| it + 1);
    }
    let name_len = text[1..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    1 + name_len
}

/// The value of `$NAME` or `${NAME}` in the shell: a param set before, the environment
/// (unknown), or empty. `${NAME:-x}` and other operators are unknown.
fn reference(text: &str, params: &Params) -> Value {
    let name = text.trim_start_matches('$');
    let name = name
        .strip_prefix('{')
        .and_then(|it| it.strip_suffix('}'))
        .unwrap_or(name);
    if name.is_empty() {
        return Value::Known(text.to_owned());
    }
    if !name
        .chars()
        .all(|it| it.is_ascii_alphanumeric() || it == '_')
    {
        return Value::Unknown;
    }
    match params.get(name) {
        Some(param) => param.value.clone(),
        None if ENVIRONMENT.contains(&name) => Value::Unknown,
        None => Value::Known(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use shorewall_syntax::{parse, Family, FileKind, FileType};

    use super::*;

    fn check(text: &str, expect: expect_test::Expect) {
        let parse = parse(text, FileType::new(FileKind::Params, Family::Ipv6));
        let mut params = Params::default();
        let mut diagnostics = Vec::new();
        evaluate(
            FileId(0),
            &parse.tree(),
            &mut params,
            &mut diagnostics,
            &mut |_, _, _, _| {},
        );
        let mut res = String::new();
        for param in params.iter() {
            res.push_str(&format!("{} = {:?}\n", param.name, param.value));
        }
        for diagnostic in &diagnostics {
            res.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        expect.assert_eq(&res);
    }

    #[test]
    fn assignments_and_quoting() {
        check(
            r#"NET=2001:db8::/32
export LOC="2001:db8:1::/48"   # the LAN
BOTH="$NET,${LOC}"
LIT='$NET'
ESC="a\"b\$c"
EMPTY=$UNSET
"#,
            expect_test::expect![[r#"
                NET = Known("2001:db8::/32")
                LOC = Known("2001:db8:1::/48")
                BOTH = Known("2001:db8::/32,2001:db8:1::/48")
                LIT = Known("$NET")
                ESC = Known("a\"b$c")
                EMPTY = Known("")
            "#]],
        );
    }

    #[test]
    fn a_redirection_without_a_file_is_a_shell_syntax_error() {
        check(
            "A=<2001:db8::1>\nB=1 # x>\n",
            expect_test::expect![[r#"
                A = Unknown
                B = Known("1")
                syntax-error: Processing of params failed: the shell cannot parse this line (a redirection '>' without a file)
            "#]],
        );
    }

    #[test]
    fn a_space_after_the_equals_sign_runs_a_command() {
        check(
            "A=1\nA= 2001:db8::1\nB= export X\n",
            expect_test::expect![[r#"
                A = Known("1")
                B = Unknown
                params-not-evaluated: this params line runs the command '2001:db8::1' with $A set for that command only, so it does not set $A (no space after '=' assigns the value)
                params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $B is unknown
            "#]],
        );
    }

    #[test]
    fn shell_is_never_run() {
        check(
            "A=$(touch /tmp/pwned)\nB=`id`; rm -rf /\nC=\"$HOME/x\"\nif true; then D=1; fi\n",
            expect_test::expect![[r#"
                A = Unknown
                B = Unknown
                C = Unknown
                D = Unknown
                params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $A is unknown
                params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $B is unknown
                params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $D is unknown
            "#]],
        );
    }
}
