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

mod arithmetic;
mod commands;
mod expansion;
mod pattern;
mod word;

use expansion::{Expander, Stopped};

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

    /// Removes a variable (`unset NAME`): Shorewall does not see it.
    pub(crate) fn unset(&mut self, name: &str) {
        if let Some(idx) = self.by_name.remove(name) {
            self.list.remove(idx);
            for later in self.by_name.values_mut().filter(|it| **it > idx) {
                *later -= 1;
            }
        }
    }
}

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
        let (line, is_assignment) = match item {
            ast::Item::Directive(directive) if directive.name() == "INCLUDE" => {
                let site = Site {
                    file,
                    range: directive.syntax().text_range(),
                };
                include(directive.argument().trim(), site, params, diagnostics);
                continue;
            }
            ast::Item::Assignment(assignment) => (assignment.syntax().clone(), true),
            ast::Item::ShellLine(line) => (line.syntax().clone(), false),
            _ => continue,
        };
        let site = Site {
            file,
            range: line.text_range(),
        };
        let text = line.text().to_string();
        if !is_assignment {
            if let Some(operator) = dangling_redirection(&text) {
                refused(
                    &line,
                    site,
                    &format!("a redirection '{operator}' without a file"),
                    params,
                    diagnostics,
                );
                continue;
            }
            if let Some((name, command)) = prefix_assignment(&line) {
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
        }
        match commands::parse(&text) {
            commands::Line::Commands(commands) => {
                run(&commands, site, params, diagnostics);
            }
            commands::Line::Refused(message) => {
                refused(&line, site, message, params, diagnostics);
            }
            commands::Line::NotFollowed if is_assignment => {
                // The parser has reported what is wrong with the line.
                for name in assigned_names(&line) {
                    params.set(Param {
                        name,
                        value: Value::Unknown,
                        site,
                    });
                }
            }
            commands::Line::NotFollowed => {
                let names = assigned_names(&line);
                for name in &names {
                    params.set(Param {
                        name: name.clone(),
                        value: Value::Unknown,
                        site,
                    });
                }
                diagnostics.push(Diagnostic::warning(
                    "params-not-evaluated",
                    site,
                    not_run_message(&names),
                ));
            }
        }
    }
}

/// "this params line is shell ...", naming the variables left unknown.
fn not_run_message(names: &[String]) -> String {
    if names.is_empty() {
        "this params line is shell, which shorewall-ls does not run".to_owned()
    } else {
        format!(
            "this params line is shell, which shorewall-ls does not run: the value of {} is unknown",
            names.iter().map(|it| format!("${it}")).collect::<Vec<_>>().join(", ")
        )
    }
}

/// A line the shell cannot parse: Shorewall stops. The names the line assigns stay unknown
/// (no second error where they are used).
fn refused(
    line: &SyntaxNode,
    site: Site,
    why: &str,
    params: &mut Params,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for name in assigned_names(line) {
        params.set(Param {
            name,
            value: Value::Unknown,
            site,
        });
    }
    diagnostics.push(Diagnostic::error(
        "syntax-error",
        site,
        format!("Processing of params failed: the shell cannot parse this line ({why})"),
    ));
}

/// Runs the simple commands of one line, as far as they can be followed without a shell.
fn run(
    commands: &[commands::Command],
    site: Site,
    params: &mut Params,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut expander = Expander {
        params,
        site,
        not_evaluated: false,
    };
    let mut assigned = Vec::new();
    let outcome = commands.iter().try_for_each(|command| match command {
        commands::Command::Assignments(assignments) => {
            assignments.iter().try_for_each(|(name, word)| {
                let value = expander.value(word)?;
                expander.assign(name, value);
                if !assigned.contains(name) {
                    assigned.push(name.clone());
                }
                Ok(())
            })
        }
        commands::Command::Declaration(assignments) => {
            let mut values = Vec::new();
            for (name, word) in assignments {
                values.push((name, expander.value(word)?));
            }
            for (name, value) in values {
                expander.assign(name, value);
                if !assigned.contains(name) {
                    assigned.push(name.clone());
                }
            }
            Ok(())
        }
        commands::Command::Unset(names) => {
            for name in names {
                expander.params.unset(name);
            }
            Ok(())
        }
        commands::Command::Colon(words) => words
            .iter()
            .try_for_each(|word| expander.expand(word).map(drop)),
    });
    let not_evaluated = expander.not_evaluated;
    match outcome {
        Err(Stopped(message)) => {
            // The names the line assigns stay unknown (no second error where they are used).
            for command in commands {
                if let commands::Command::Assignments(assignments)
                | commands::Command::Declaration(assignments) = command
                {
                    for (name, _) in assignments {
                        params.set(Param {
                            name: name.clone(),
                            value: Value::Unknown,
                            site,
                        });
                    }
                }
            }
            diagnostics.push(Diagnostic::error(
                "params-failed",
                site,
                format!("Processing of params failed: {message}"),
            ));
        }
        Ok(()) if not_evaluated => {
            let unknown: Vec<String> = assigned
                .into_iter()
                .filter(|it| params.get(it).is_some_and(|it| it.value == Value::Unknown))
                .collect();
            diagnostics.push(Diagnostic::warning(
                "params-not-evaluated",
                site,
                not_run_message(&unknown),
            ));
        }
        Ok(()) => {}
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

#[cfg(test)]
mod tests {
    use shorewall_syntax::{parse, Family, FileKind, FileType};

    use super::*;

    /// The params and diagnostics of evaluating `text` as a params file.
    fn evaluated(text: &str) -> (Params, Vec<Diagnostic>) {
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
        (params, diagnostics)
    }

    fn check(text: &str, expect: expect_test::Expect) {
        let (params, diagnostics) = evaluated(text);
        let mut res = String::new();
        for param in params.iter() {
            res.push_str(&format!("{} = {:?}\n", param.name, param.value));
        }
        for diagnostic in &diagnostics {
            res.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        expect.assert_eq(&res);
    }

    /// Evaluates one line: `$R|${R2-}` as the shell would print it, or what stops us.
    fn evaluate_line(line: &str) -> String {
        let (params, diagnostics) = evaluated(line);
        if let Some(diagnostic) = diagnostics.first() {
            return format!("{}: {}", diagnostic.code, diagnostic.message);
        }
        let value = |name: &str| match params.get(name).map(|it| &it.value) {
            Some(Value::Known(it)) => it.clone(),
            Some(Value::Unknown) => "<unknown>".to_owned(),
            None => String::new(),
        };
        format!("{}|{}", value("R"), value("R2"))
    }

    #[test]
    fn expansions_agree_with_dash() {
        let mut mismatches = String::new();
        let mut cases = 0;
        let answers = include_str!("params/dash_answers.txt");
        for line in answers.lines().filter(|it| !it.starts_with('#')) {
            let Some((params, dash)) = line.split_once('\t') else {
                continue;
            };
            cases += 1;
            let ours = evaluate_line(params);
            if ours != dash {
                mismatches.push_str(&format!("{params}\n  dash: {dash}\n  ours: {ours}\n"));
            }
        }
        assert!(cases > 50, "only {cases} cases");
        assert!(mismatches.is_empty(), "{mismatches}");
    }

    #[test]
    fn unknown_values_only_where_the_result_depends_on_them() {
        let lines = [
            "R=${HOME:-x}",
            "R=${U:-$HOME}",
            "S=a; R=${S:-$HOME}",
            "R=${HOME:+x}",
            "R=${#HOME}",
            "R=${U%$HOME}",
            "S=ab; R=${S%$HOME}",
            "R=~/x",
            "R=${U:-~}",
            ": ${R:=$HOME}",
            "R=$((HOME+1))",
            "R=$((2+3))$HOME",
            "R=${PRODUCT:-shorewall}",
            "R=${1:-x}",
            "S=a; R=${S:-$(id)}",
            "R=${U:-$(id)}",
            "R=`id`${U:-x}",
            "R=$((R=1))",
            "R=$((99999999999999999999))",
            "R=${HOME?} R2=$HOME",
        ];
        let res: String = lines
            .iter()
            .map(|line| format!("{line:<24} {}\n", evaluate_line(line)))
            .collect();
        expect_test::expect![[r#"
            R=${HOME:-x}             <unknown>|
            R=${U:-$HOME}            <unknown>|
            S=a; R=${S:-$HOME}       a|
            R=${HOME:+x}             <unknown>|
            R=${#HOME}               <unknown>|
            R=${U%$HOME}             |
            S=ab; R=${S%$HOME}       <unknown>|
            R=~/x                    <unknown>|
            R=${U:-~}                <unknown>|
            : ${R:=$HOME}            <unknown>|
            R=$((HOME+1))            <unknown>|
            R=$((2+3))$HOME          <unknown>|
            R=${PRODUCT:-shorewall}  <unknown>|
            R=${1:-x}                <unknown>|
            S=a; R=${S:-$(id)}       a|
            R=${U:-$(id)}            params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            R=`id`${U:-x}            params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            R=$((R=1))               params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            R=$((99999999999999999999)) params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            R=${HOME?} R2=$HOME      <unknown>|<unknown>
        "#]].assert_eq(&res);
    }

    #[test]
    fn the_shell_stops_or_refuses_the_line() {
        let lines = [
            "R=${U:?it is unset}",
            "R=${U?}",
            "E=; R=${E:?}",
            "E=; R=${E?} R2=ok",
            "R=${A/x/y}",
            "R=${A",
            "R=${#A:-x}",
            "R=${A:~}",
            "R=${}",
            "R=$(( 1/0 ))",
            "A=0; R=$((5 % A))",
            "E=abc; R=$((E+1))",
            "E=0x; R=$((E+1))",
            "E=99999999999999999999; R=$((E+1))",
            "R=$((HOME/0))",
        ];
        let res: String = lines
            .iter()
            .map(|line| format!("{line:<20} {}\n", evaluate_line(line)))
            .collect();
        expect_test::expect![[r#"
            R=${U:?it is unset}  params-failed: Processing of params failed: U: it is unset
            R=${U?}              params-failed: Processing of params failed: U: parameter not set
            E=; R=${E:?}         params-failed: Processing of params failed: E: parameter not set or null
            E=; R=${E?} R2=ok    |ok
            R=${A/x/y}           syntax-error: Processing of params failed: the shell cannot parse this line (Bad substitution)
            R=${A                syntax-error: Processing of params failed: the shell cannot parse this line (Missing '}')
            R=${#A:-x}           syntax-error: Processing of params failed: the shell cannot parse this line (Bad substitution)
            R=${A:~}             syntax-error: Processing of params failed: the shell cannot parse this line (Bad substitution)
            R=${}                syntax-error: Processing of params failed: the shell cannot parse this line (Bad substitution)
            R=$(( 1/0 ))         params-failed: Processing of params failed: arithmetic expression: division by zero: " 1/0 "
            A=0; R=$((5 % A))    params-failed: Processing of params failed: arithmetic expression: division by zero: "5 % A"
            E=abc; R=$((E+1))    params-failed: Processing of params failed: Illegal number: abc
            E=0x; R=$((E+1))     params-failed: Processing of params failed: Illegal number: 0x
            E=99999999999999999999; R=$((E+1)) params-failed: Processing of params failed: Illegal number: 99999999999999999999
            R=$((HOME/0))        <unknown>|
        "#]].assert_eq(&res);
    }

    #[test]
    fn hostile_lines_are_left_unknown_without_exhausting_the_stack() {
        let deep_braces = format!("R={}x{}", "${A:-".repeat(20_000), "}".repeat(20_000));
        let deep_parens = format!("R=$(({}1{}))", "(".repeat(20_000), ")".repeat(20_000));
        let long_sum = format!("R=$((1{}))", "+1".repeat(100_000));
        let long_value = format!("A={}; R=${{A%%*b}}", "a".repeat(100_000));
        let res: String = [deep_braces, deep_parens, long_sum, long_value]
            .iter()
            .map(|line| format!("{}\n", evaluate_line(line)))
            .collect();
        expect_test::expect![[r#"
            params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
            params-not-evaluated: this params line is shell, which shorewall-ls does not run: the value of $R is unknown
        "#]].assert_eq(&res);
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
