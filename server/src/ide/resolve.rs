//! Names: what named thing is at an offset (a zone, a param, an interface, a macro, an action),
//! and every place a file names it. Navigation, references, rename and highlighting are built
//! on these two functions.
//!
//! A name is a node of the tree (`ZONE_REF`, `INTERFACE_REF`, `ACTION_NAME`, ...), not a token:
//! the lexer splits at `-`, and `br-lan`, `IPFS-API` or `DNAT-` are one name each. Ranges are
//! the name itself (the `net` of `net:2001:db8::1`, the `NAME` of `${NAME}`), which is what
//! rename must replace.

use shorewall_syntax::{
    ast::{self, AstNode},
    FileKind, Parse, SyntaxKind, SyntaxNode, SyntaxToken, TextRange, TextSize,
};

use crate::{
    ide::cursor::LocalLine,
    model::{builtin_target, Model},
};

/// A named thing of a configuration directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Name {
    Zone(String),
    Param(String),
    Interface(String),
    Macro(String),
    Action(String),
    /// A built-in target (`ACCEPT`, `DNAT-`, ...), as written: documented, defined nowhere.
    Builtin(String),
}

/// One place a file names something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub(crate) range: TextRange,
    /// Whether this is where the thing is defined (the zones record, the params assignment).
    pub(crate) is_definition: bool,
}

/// The name at `offset` in a line, with its range in the file.
pub(crate) fn name_at(
    line: &LocalLine,
    offset: TextSize,
    model: &Model,
) -> Option<(Name, TextRange)> {
    let token = line.token_at(offset)?;
    let local_offset = offset_in(line, &token, offset);
    let (name, range) = classify(&token, local_offset, line.file_type.kind, model)?;
    Some((name, line.to_file(range)))
}

/// The offset in the local tree that corresponds to the file offset inside `token`.
fn offset_in(line: &LocalLine, token: &SyntaxToken, offset: TextSize) -> TextSize {
    let file_range = line.to_file(token.text_range());
    let inside = offset.clamp(file_range.start(), file_range.end()) - file_range.start();
    token.text_range().start() + inside
}

/// What a token names. `offset` picks one of several references inside a quoted string.
fn classify(
    token: &SyntaxToken,
    offset: TextSize,
    kind: FileKind,
    model: &Model,
) -> Option<(Name, TextRange)> {
    match token.kind() {
        SyntaxKind::DOLLAR_REF => {
            let (name, range) = param_ref(token.text(), token.text_range().start())?;
            Some((Name::Param(name), range))
        }
        SyntaxKind::STRING => string_refs(token)
            .into_iter()
            .find(|(_, range)| range.contains_inclusive(offset))
            .map(|(name, range)| (Name::Param(name), range)),
        SyntaxKind::COMMENT | SyntaxKind::WHITESPACE => None,
        _ => token
            .parent_ancestors()
            .take(2)
            .find_map(|node| classify_node(&node, kind, model)),
    }
}

/// What a name node names, with its range.
fn classify_node(node: &SyntaxNode, kind: FileKind, model: &Model) -> Option<(Name, TextRange)> {
    let text = ast::significant_text(node);
    let name = match node.kind() {
        SyntaxKind::ZONE_REF => {
            let zone = ast::ZoneRef::cast(node.clone())?;
            if zone.is_wildcard() || text.starts_with('$') {
                return None;
            }
            Name::Zone(text)
        }
        SyntaxKind::INTERFACE_REF => {
            Name::Interface(text.trim_start_matches(['&', '!']).to_owned())
        }
        SyntaxKind::ACTION_NAME => classify_target(&text, model)?,
        SyntaxKind::ASSIGNMENT_NAME if kind == FileKind::Params => Name::Param(text),
        SyntaxKind::COLUMN if kind == FileKind::Actions && is_first_column(node) => {
            let name = text.split(':').next().unwrap_or("").to_owned();
            model.catalog.action(&name)?;
            Name::Action(name)
        }
        _ => return None,
    };
    Some((name, node.text_range()))
}

/// What an action name is: a built-in, a declared action or a macro.
pub(crate) fn classify_target(name: &str, model: &Model) -> Option<Name> {
    if builtin_target(name, model.family).is_some() {
        return Some(Name::Builtin(name.to_owned()));
    }
    let base = name.trim_end_matches(['!', '+']);
    if builtin_target(base, model.family).is_some() {
        return Some(Name::Builtin(name.to_owned()));
    }
    if model.catalog.action(base).is_some() {
        return Some(Name::Action(base.to_owned()));
    }
    let is_macro = model.catalog.macro_def(base).is_some()
        || model.catalog.macro_names.iter().any(|it| it == base);
    is_macro.then(|| Name::Macro(base.to_owned()))
}

/// `$NAME`, `${NAME}` at `start`: the name and its range. Positional `$1` and a lone `$` are
/// not names.
pub(crate) fn param_ref(text: &str, start: TextSize) -> Option<(String, TextRange)> {
    let rest = text.strip_prefix('$')?;
    let (name, skip) = match rest.strip_prefix('{') {
        Some(inner) => (inner.split('}').next().unwrap_or(""), 2),
        None => (rest, 1),
    };
    let valid = crate::model::is_variable_name(name);
    if !valid {
        return None;
    }
    let name_start = start + TextSize::from(skip);
    Some((
        name.to_owned(),
        TextRange::at(name_start, TextSize::of(name)),
    ))
}

/// The `$NAME` references inside a double-quoted string (the shell expands those; a
/// single-quoted string is taken literally).
fn string_refs(token: &SyntaxToken) -> Vec<(String, TextRange)> {
    let text = token.text();
    if !text.starts_with('"') {
        return Vec::new();
    }
    let mut res = Vec::new();
    let mut rest_start = 0;
    while let Some(found) = text.get(rest_start..).and_then(|it| it.find('$')) {
        let idx = rest_start + found;
        let escaped = idx > 0 && text.as_bytes().get(idx - 1) == Some(&b'\\');
        let after = text.get(idx + 1..).unwrap_or("");
        let len = if after.starts_with('{') {
            after.find('}').map_or(after.len(), |it| it + 1)
        } else {
            after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len())
        };
        let start = token.text_range().start() + TextSize::from(idx as u32);
        let reference = text.get(idx..idx + 1 + len).unwrap_or("");
        if !escaped {
            res.extend(param_ref(reference, start));
        }
        rest_start = idx + 1 + len;
    }
    res
}

/// Every place `parse` (a file of kind `kind`) names `name`.
pub(crate) fn occurrences(
    parse: &Parse,
    kind: FileKind,
    name: &Name,
    model: &Model,
) -> Vec<Occurrence> {
    let root = parse.syntax();
    let mut res = Vec::new();
    for element in root.descendants_with_tokens() {
        let found = match element.into_node() {
            Some(node) => {
                let Some((found, range)) = classify_name_node(&node, kind, name, model) else {
                    continue;
                };
                if &found != name {
                    continue;
                }
                vec![(range, is_definition(&node, kind))]
            }
            None => Vec::new(),
        };
        res.extend(found.into_iter().map(|(range, is_definition)| Occurrence {
            range,
            is_definition,
        }));
    }
    if let Name::Param(wanted) = name {
        for token in root
            .descendants_with_tokens()
            .filter_map(|it| it.into_token())
        {
            let refs = match token.kind() {
                SyntaxKind::DOLLAR_REF => param_ref(token.text(), token.text_range().start())
                    .into_iter()
                    .collect(),
                SyntaxKind::STRING => string_refs(&token),
                _ => continue,
            };
            res.extend(
                refs.into_iter()
                    .filter(|(found, _)| found == wanted)
                    .map(|(_, range)| Occurrence {
                        range,
                        is_definition: false,
                    }),
            );
        }
        res.sort_by_key(|it| it.range.start());
    }
    res
}

/// A name node, classified cheaply: the text is compared first, so that the model is asked
/// only about candidates.
fn classify_name_node(
    node: &SyntaxNode,
    kind: FileKind,
    name: &Name,
    model: &Model,
) -> Option<(Name, TextRange)> {
    let relevant = match node.kind() {
        SyntaxKind::ZONE_REF => matches!(name, Name::Zone(_)),
        SyntaxKind::INTERFACE_REF => matches!(name, Name::Interface(_)),
        SyntaxKind::ACTION_NAME => matches!(name, Name::Macro(_) | Name::Action(_)),
        SyntaxKind::ASSIGNMENT_NAME => matches!(name, Name::Param(_)),
        SyntaxKind::COLUMN => matches!(name, Name::Action(_)) && kind == FileKind::Actions,
        _ => false,
    };
    if !relevant {
        return None;
    }
    classify_node(node, kind, model)
}

/// Whether a name node is where its thing is defined: the zone of a zones record (not its
/// parents), the interface of an interfaces record, a params assignment, an action's
/// declaration.
fn is_definition(node: &SyntaxNode, kind: FileKind) -> bool {
    let first_column = || {
        node.ancestors()
            .find_map(ast::Column::cast)
            .is_some_and(|column| is_first_column(column.syntax()))
    };
    match node.kind() {
        SyntaxKind::ZONE_REF => {
            kind == FileKind::Zones
                && first_column()
                && node
                    .parent()
                    .is_some_and(|it| it.kind() == SyntaxKind::COLUMN)
        }
        SyntaxKind::INTERFACE_REF => {
            kind == FileKind::Interfaces
                && node
                    .parent()
                    .is_some_and(|it| it.kind() == SyntaxKind::COLUMN)
        }
        SyntaxKind::ASSIGNMENT_NAME => kind == FileKind::Params,
        SyntaxKind::COLUMN => kind == FileKind::Actions,
        _ => false,
    }
}

fn is_first_column(column: &SyntaxNode) -> bool {
    column.kind() == SyntaxKind::COLUMN
        && column
            .parent()
            .and_then(ast::Record::cast)
            .and_then(|it| it.columns().next())
            .is_some_and(|first| first.syntax() == column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_refs() {
        assert_eq!(
            param_ref("${NET_IF}", TextSize::from(10)),
            Some((
                "NET_IF".to_owned(),
                TextRange::at(TextSize::from(12), TextSize::from(6))
            ))
        );
        assert_eq!(param_ref("$1", TextSize::from(0)), None);
        assert_eq!(param_ref("$", TextSize::from(0)), None);
    }
}
