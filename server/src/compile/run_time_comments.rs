//! The rules' comments as the firewall script writes them when it runs.
//!
//! Shorewall writes the ruleset into its script as an unquoted here-document, so the shell
//! expands what survives into a rule's text when the script runs: in a `?COMMENT` (or a
//! `comment=` pair), `$NAME` and `${NAME}` become the params' values and `\$`, `` \` `` and
//! `\\` lose their backslash (`?COMMENT $TAG` loads as `web` when params says `TAG=web`).
//! This happens after the optimizer has compared the rules, so it is done on the finished
//! ruleset. A name params does not set is the script's own or the machine's (`PATH`,
//! `VARDIR`, `g_family`) or empty, which only the run time knows; so are a command
//! substitution, an operator (`${A:-x}`) and the shell's special parameters. A comment with
//! one of those is refused rather than guessed.

use crate::model::{Params, Value};

use super::ir::{Mode, Ruleset};

/// A comment the preview refuses: the message, and the origin (`file:line`) of its first rule.
pub(crate) struct RunTimeComment {
    pub(crate) message: String,
    pub(crate) origin: Option<String>,
}

/// Expands the comments of `ruleset` as the script's shell would; the first comment whose
/// text depends on the run time is the error.
pub(crate) fn expand_comments(
    ruleset: &mut Ruleset,
    params: &Params,
) -> Result<(), RunTimeComment> {
    let rules = ruleset
        .tables
        .iter_mut()
        .flat_map(|table| table.chains.iter_mut())
        .flat_map(|chain| chain.rules.iter_mut())
        .filter(|rule| rule.mode == Mode::Cat);
    for rule in rules {
        let Some(comment) = &rule.comment else {
            continue;
        };
        if !comment.contains(['$', '`', '\\']) {
            continue;
        }
        match here_document_line(comment, params) {
            Some(expanded) => rule.comment = Some(expanded),
            None => {
                return Err(RunTimeComment {
                    message: format!(
                        "The comment \"{comment}\" is expanded by the shell when the firewall \
                         starts, with values only the run time knows; the preview does not do \
                         that"
                    ),
                    origin: rule.origin.clone(),
                })
            }
        }
    }
    Ok(())
}

/// `text` as a line of an unquoted here-document expands, `None` where the result depends on
/// more than the params.
fn here_document_line(text: &str, params: &Params) -> Option<String> {
    let mut res = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '\\' => match chars.peek() {
                Some(&(_, next @ ('$' | '`' | '\\'))) => {
                    res.push(next);
                    chars.next();
                }
                _ => res.push('\\'),
            },
            '`' => return None,
            '$' => {
                let rest = &text[at + 1..];
                let (name, len) = if let Some(braced) = rest.strip_prefix('{') {
                    let end = braced.find('}')?;
                    let name = &braced[..end];
                    (name, end + 2)
                } else {
                    let len = rest
                        .find(|it: char| !(it.is_ascii_alphanumeric() || it == '_'))
                        .unwrap_or(rest.len());
                    (&rest[..len], len)
                };
                if name.is_empty() {
                    // `$(`, `$$`, `$?` and the other special parameters are the shell's; a
                    // `$` before anything else (a blank, a quote, the end) stays as it is.
                    match rest.chars().next() {
                        Some('(' | '#' | '@' | '*' | '!' | '?' | '$' | '-') => return None,
                        _ => {
                            res.push('$');
                            continue;
                        }
                    }
                }
                let plain = name
                    .chars()
                    .next()
                    .is_some_and(|it| it.is_ascii_alphabetic() || it == '_')
                    && name
                        .chars()
                        .all(|it| it.is_ascii_alphanumeric() || it == '_');
                if !plain {
                    return None;
                }
                match &params.get(name)?.value {
                    Value::Known(value) => res.push_str(value),
                    Value::Unknown => return None,
                }
                for _ in 0..len {
                    chars.next();
                }
            }
            _ => res.push(ch),
        }
    }
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileId, Param, Params, Site};
    use shorewall_syntax::{TextRange, TextSize};

    fn params(pairs: &[(&str, Option<&str>)]) -> Params {
        let mut params = Params::default();
        for (name, value) in pairs {
            params.set(Param {
                name: (*name).to_owned(),
                value: value.map_or(Value::Unknown, |it| Value::Known(it.to_owned())),
                site: Site {
                    file: FileId(0),
                    range: TextRange::empty(TextSize::from(0)),
                },
            });
        }
        params
    }

    #[test]
    fn params_are_expanded_and_backslashes_dropped_as_the_shell_does() {
        let params = params(&[("TAG", Some("web")), ("EMPTY", Some(""))]);
        let expand = |text: &str| here_document_line(text, &params);
        // As compile6 loads `?COMMENT $TAG and ${TAG}x "q" \$TAG l${TAG}\\m i$EMPTY`.
        assert_eq!(
            expand(r#"$TAG and ${TAG}x "q" \$TAG l${TAG}\\m i$EMPTY"#).as_deref(),
            Some(r#"web and webx "q" $TAG lweb\m i"#)
        );
        assert_eq!(expand(r"a\b $ c").as_deref(), Some(r"a\b $ c"));
        assert_eq!(expand("cost: 5$").as_deref(), Some("cost: 5$"));
    }

    #[test]
    fn what_only_the_run_time_knows_is_not_guessed() {
        let params = params(&[("TAG", Some("web")), ("COMPUTED", None)]);
        let expand = |text: &str| here_document_line(text, &params);
        for text in [
            "$PATH",
            "$COMPUTED",
            "${TAG:-x}",
            "$(date)",
            "`date`",
            "$1",
            "$$",
            "${TAG",
        ] {
            assert_eq!(expand(text), None, "{text}");
        }
    }
}
