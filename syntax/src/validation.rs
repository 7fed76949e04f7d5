//! Checks that need the whole tree but no knowledge of the configuration: the number of
//! columns, characters Shorewall refuses in columns, and balanced `?IF`/`?ENDIF`.

use crate::{ast, ast::AstNode, FileType, SyntaxError, SyntaxKind, SyntaxNode};

pub(crate) fn validate(root: &SyntaxNode, file_type: FileType) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    let Some(file) = ast::SourceFile::cast(root.clone()) else {
        return errors;
    };
    if file_type.kind.is_columnar() {
        for (record, format) in file.records_with_format() {
            column_count(&record, file_type, format, &mut errors);
            forbidden_characters(&record, &mut errors);
        }
    }
    conditionals(&file, &mut errors);
    errors
}

fn column_count(
    record: &ast::Record,
    file_type: FileType,
    format: u32,
    errors: &mut Vec<SyntaxError>,
) {
    let max = file_type.kind.columns(format).len();
    if max == 0 {
        return;
    }
    let columns: Vec<ast::Column> = record.columns().collect();
    if columns.len() > max {
        let first_extra = columns[max].syntax().text_range();
        let range = first_extra.cover(columns[columns.len() - 1].syntax().text_range());
        errors.push(SyntaxError::new(
            format!(
                "too many columns: {} given, at most {max} allowed",
                columns.len()
            ),
            range,
        ));
    }
}

/// Shorewall rejects quotes, backquotes and backslashes in columns (but not in `IP6TABLES(...)`
/// rules), and any character that is not printable ASCII.
fn forbidden_characters(record: &ast::Record, errors: &mut Vec<SyntaxError>) {
    let is_iptables = record.columns().next().is_some_and(|it| {
        it.text().starts_with("IP6TABLES(") || it.text().starts_with("IPTABLES(")
    });
    for column in record.columns() {
        for token in column
            .syntax()
            .descendants_with_tokens()
            .filter_map(|it| it.into_token())
        {
            if token
                .parent()
                .is_some_and(|it| it.kind() == SyntaxKind::LINE_CONTINUATION)
            {
                continue;
            }
            let kind = token.kind();
            let quoted = matches!(
                kind,
                SyntaxKind::STRING
                    | SyntaxKind::BACKSLASH
                    | SyntaxKind::BACKTICK
                    | SyntaxKind::ERROR_TOKEN
            );
            if quoted && !is_iptables {
                errors.push(SyntaxError::new(
                    "quotes, backquotes and backslashes are not allowed in a column",
                    token.text_range(),
                ));
            } else if token
                .text()
                .chars()
                .any(|ch| !(ch.is_ascii_graphic() || ch.is_ascii_whitespace()))
            {
                errors.push(SyntaxError::new(
                    "non-ASCII or control character in a column",
                    token.text_range(),
                ));
            }
        }
    }
}

/// `?IF` ... `?ENDIF` must balance within a file; `?ELSIF`/`?ELSE` need an open `?IF`.
fn conditionals(file: &ast::SourceFile, errors: &mut Vec<SyntaxError>) {
    let mut open: Vec<ast::Directive> = Vec::new();
    for directive in file.directives() {
        match directive.name().as_str() {
            "IF" => open.push(directive),
            "ELSIF" | "ELSE" if open.is_empty() => {
                errors.push(SyntaxError::new(
                    format!("?{} has no matching ?IF", directive.name()),
                    directive.syntax().text_range(),
                ));
            }
            "ENDIF" if open.pop().is_none() => {
                errors.push(SyntaxError::new(
                    "?ENDIF without matching ?IF",
                    directive.syntax().text_range(),
                ));
            }
            _ => {}
        }
    }
    for directive in open {
        errors.push(SyntaxError::new(
            "missing ?ENDIF to match this ?IF",
            directive.syntax().text_range(),
        ));
    }
}
