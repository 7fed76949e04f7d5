//! What the server adds to the protocol (see `docs/lsp/README.md` and `docs/lsp/commands.md`): the
//! `workspace/executeCommand` commands and the `shorewall` settings.
//!
//! Settings come from `initializationOptions` at start, from `workspace/configuration` (section
//! `shorewall`) when the client answers it, and from `workspace/didChangeConfiguration`. Their
//! shape: `{ "format": { "align": bool, "useTabs": bool, "tabWidth": n, "maxColumnWidth": n } }`,
//! every key optional.

use std::path::Path;

use serde_json::Value;
use shorewall_syntax::format::FormatOptions;

use crate::format_config::{self, FormatSettings, MAX_COLUMN_WIDTH, MAX_TAB_WIDTH};

/// `shorewall.syntaxTree`: the syntax tree of a document, as text.
pub(crate) const SYNTAX_TREE: &str = "shorewall.syntaxTree";

/// `shorewall.preview`: the annotated ip6tables-restore input of a document's directory.
pub(crate) const PREVIEW: &str = "shorewall.preview";

/// The commands the server announces.
pub(crate) const COMMANDS: &[&str] = &[PREVIEW, SYNTAX_TREE];

/// The editor's settings for the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) format: FormatSettings,
}

/// Reads the settings object (the value of the `shorewall` section). Unknown keys and values of
/// the wrong type are ignored.
pub(crate) fn parse_settings(value: &Value) -> Settings {
    let format = value.get("format").unwrap_or(&Value::Null);
    let number = |key: &str, max: u32| {
        format
            .get(key)
            .and_then(Value::as_u64)
            .map(|it| it.clamp(1, u64::from(max)) as u32)
    };
    Settings {
        format: FormatSettings {
            align: format.get("align").and_then(Value::as_bool),
            use_tabs: format.get("useTabs").and_then(Value::as_bool),
            tab_width: number("tabWidth", MAX_TAB_WIDTH),
            max_column_width: number("maxColumnWidth", MAX_COLUMN_WIDTH),
        },
    }
}

/// The formatter options for a file: the defaults, then the nearest `.shorewall-ls.toml`, then
/// the editor's settings.
pub(crate) fn format_options(settings: &Settings, path: &Path) -> FormatOptions {
    let dir = path.parent().unwrap_or(Path::new("."));
    let from_file = format_config::load_settings(dir)
        .map(|(it, _)| it)
        .unwrap_or_default();
    from_file.overridden_by(settings.format).to_options()
}

/// The document a command names: its first argument, a URL string or an object with a `uri`
/// (or a `textDocument.uri`).
pub(crate) fn command_document(arguments: &[Value]) -> Option<String> {
    let first = arguments.first()?;
    let uri = match first {
        Value::String(it) => Some(it.as_str()),
        Value::Object(_) => first
            .get("uri")
            .or_else(|| first.get("textDocument").and_then(|it| it.get("uri")))
            .and_then(Value::as_str),
        _ => None,
    };
    uri.map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn settings() {
        let settings = parse_settings(&json!({
            "format": { "align": false, "useTabs": true, "maxColumnWidth": 1000, "tabWidth": "x" },
            "other": 1
        }));
        assert_eq!(
            settings.format,
            FormatSettings {
                align: Some(false),
                use_tabs: Some(true),
                tab_width: None,
                max_column_width: Some(MAX_COLUMN_WIDTH),
            }
        );
        assert_eq!(parse_settings(&json!(null)), Settings::default());
    }

    #[test]
    fn command_arguments() {
        assert_eq!(
            command_document(&[json!("file:///etc/shorewall6/rules")]).as_deref(),
            Some("file:///etc/shorewall6/rules")
        );
        assert_eq!(
            command_document(&[json!({ "textDocument": { "uri": "file:///x" } })]).as_deref(),
            Some("file:///x")
        );
        assert_eq!(command_document(&[json!(1)]), None);
    }
}
