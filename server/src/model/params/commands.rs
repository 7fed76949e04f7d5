//! The lines of `params` that can be followed without a shell: simple commands made of
//! assignments (`A=1 B=$A`), `export`/`readonly` with assignments or names, `:` whose
//! arguments are expanded for their assignments (`: ${A:=default}`), and `unset NAME`,
//! separated by `;` or newlines. Anything else (other commands, pipes, `&&`, redirections, compound commands) is
//! shell that we leave alone.

use super::{
    is_variable_name,
    word::{ParseError, Word, WordParser},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Command {
    /// `NAME=word ...`: each word is expanded after the assignments before it.
    Assignments(Vec<(String, Word)>),
    /// `export NAME=word ...`, `readonly ...`: the words are expanded first, then assigned.
    Declaration(Vec<(String, Word)>),
    /// `: word ...`.
    Colon(Vec<Word>),
    /// `unset NAME ...`.
    Unset(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Line {
    Commands(Vec<Command>),
    /// dash cannot parse the line (its message), so Shorewall stops.
    Refused(&'static str),
    /// Shell we do not follow.
    NotFollowed,
}

/// One word of a command as written.
enum RawWord {
    Assignment(String, Word),
    Plain(String, Word),
}

/// Reads a line (a logical line: it may hold quoted newlines and continuations).
pub(super) fn parse(text: &str) -> Line {
    match parse_words(text) {
        Ok(commands) => {
            let mut res = Vec::new();
            for words in commands {
                match command(words) {
                    Some(Some(command)) => res.push(command),
                    Some(None) => {}
                    None => return Line::NotFollowed,
                }
            }
            Line::Commands(res)
        }
        Err(ParseError::Shell(message)) => Line::Refused(message),
        Err(ParseError::NotFollowed) => Line::NotFollowed,
    }
}

/// The words of each simple command.
fn parse_words(text: &str) -> Result<Vec<Vec<RawWord>>, ParseError> {
    let mut parser = WordParser::new(text);
    let mut commands = Vec::new();
    let mut current: Vec<RawWord> = Vec::new();
    loop {
        parser.skip_blanks();
        match parser.peek() {
            None => break,
            Some('#') => parser.skip_comment(),
            Some('\n' | '\r') => {
                parser.bump();
                commands.push(std::mem::take(&mut current));
            }
            Some(';') if !current.is_empty() => {
                parser.bump();
                commands.push(std::mem::take(&mut current));
            }
            Some(';' | '&' | '|' | '<' | '>' | '(' | ')') => return Err(ParseError::NotFollowed),
            Some(_) => {
                let declaration = matches!(
                    current.first(),
                    Some(RawWord::Plain(first, _)) if first == "export" || first == "readonly"
                );
                let may_assign = declaration
                    || current
                        .iter()
                        .all(|it| matches!(it, RawWord::Assignment(..)));
                let name = assignment_name(parser.rest()).filter(|_| may_assign);
                match name {
                    Some(name) => {
                        parser.advance(name.len() + 1);
                        let word = parser.word(true)?;
                        current.push(RawWord::Assignment(name, word));
                    }
                    None => {
                        let start = parser.pos();
                        let word = parser.word(false)?;
                        let source = text.get(start..parser.pos()).unwrap_or("").to_owned();
                        current.push(RawWord::Plain(source, word));
                    }
                }
            }
        }
    }
    commands.push(current);
    Ok(commands)
}

/// `NAME` of a word that starts `NAME=`.
fn assignment_name(rest: &str) -> Option<String> {
    let (name, _) = rest.split_once('=')?;
    is_variable_name(name).then(|| name.to_owned())
}

/// A simple command we follow (`Some(None)` for an empty one), or `None`.
fn command(words: Vec<RawWord>) -> Option<Option<Command>> {
    let mut words = words.into_iter().peekable();
    let mut assignments = Vec::new();
    while let Some(RawWord::Assignment(..)) = words.peek() {
        if let Some(RawWord::Assignment(name, word)) = words.next() {
            assignments.push((name, word));
        }
    }
    let Some(RawWord::Plain(command, _)) = words.next() else {
        return Some((!assignments.is_empty()).then_some(Command::Assignments(assignments)));
    };
    if !assignments.is_empty() {
        // Assignments for one command only (or, before a special builtin, for good): not
        // followed.
        return None;
    }
    match command.as_str() {
        "export" | "readonly" => {
            for word in words {
                match word {
                    RawWord::Assignment(name, word) => assignments.push((name, word)),
                    // `export NAME` changes no value (everything is exported already).
                    RawWord::Plain(name, _) if is_variable_name(&name) => {}
                    RawWord::Plain(..) => return None,
                }
            }
            Some(Some(Command::Declaration(assignments)))
        }
        "unset" => {
            let mut names = Vec::new();
            for word in words {
                match word {
                    RawWord::Plain(name, _) if is_variable_name(&name) => names.push(name),
                    RawWord::Plain(flag, _) if flag == "-v" => {}
                    // `unset -f NAME` removes a function; other flags are not followed.
                    RawWord::Plain(flag, _) if flag == "-f" => return Some(None),
                    _ => return None,
                }
            }
            Some(Some(Command::Unset(names)))
        }
        ":" => Some(Some(Command::Colon(
            words
                .map(|it| match it {
                    RawWord::Assignment(_, word) | RawWord::Plain(_, word) => word,
                })
                .collect(),
        ))),
        _ => None,
    }
}
