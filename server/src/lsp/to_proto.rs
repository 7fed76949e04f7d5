//! Results of the `ide` layer to protocol types: byte offsets to positions in the negotiated
//! encoding, paths to URLs, the feature results to their protocol shapes.

use std::path::Path;

use serde_json::json;
use shorewall_syntax::{format::TextEdit, LineCol, LineIndex, TextRange, TextSize};
use tower_lsp::lsp_types as lsp;

use crate::{
    ide::{
        code_actions::{CodeAction, CodeActionKind},
        completion::{CompletionItem, CompletionKind},
        diagnostics::Diagnostic,
        document_highlight::HighlightedRange,
        document_symbols::{Symbol, SymbolKind},
        folding_ranges::{Fold, FoldKind},
        highlight::{self, HighlightTag},
        SourceChange,
    },
    lsp::{from_proto::PositionEncoding, state::Snapshot},
    model::Severity,
};

pub(crate) fn position(
    index: &LineIndex,
    offset: TextSize,
    encoding: PositionEncoding,
) -> lsp::Position {
    let pos = index.to_wide(index.line_col(offset), encoding == PositionEncoding::Utf16);
    lsp::Position {
        line: pos.line,
        character: pos.col,
    }
}

pub(crate) fn range(index: &LineIndex, range: TextRange, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range {
        start: position(index, range.start(), encoding),
        end: position(index, range.end(), encoding),
    }
}

pub(crate) fn location(
    snapshot: &Snapshot,
    path: &Path,
    text_range: TextRange,
) -> Option<lsp::Location> {
    let index = snapshot.line_index(path)?;
    Some(lsp::Location {
        uri: snapshot.url(path)?,
        range: range(&index, text_range, snapshot.encoding),
    })
}

pub(crate) fn diagnostic(
    snapshot: &Snapshot,
    index: &LineIndex,
    diagnostic: Diagnostic,
) -> lsp::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .filter_map(|(place, message)| {
            Some(lsp::DiagnosticRelatedInformation {
                location: location(snapshot, &place.path, place.range)?,
                message: message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(index, diagnostic.range, snapshot.encoding),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(diagnostic.code.to_owned())),
        code_description: None,
        source: Some("shorewall6".to_owned()),
        message: diagnostic.message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub(crate) fn text_edit(
    index: &LineIndex,
    edit: TextEdit,
    encoding: PositionEncoding,
) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(index, edit.range, encoding),
        new_text: edit.new_text,
    }
}

pub(crate) fn workspace_edit(snapshot: &Snapshot, change: SourceChange) -> lsp::WorkspaceEdit {
    let mut changes = std::collections::HashMap::new();
    for (path, edits) in change.files {
        let (Some(url), Some(index)) = (snapshot.url(&path), snapshot.line_index(&path)) else {
            continue;
        };
        let edits: Vec<lsp::TextEdit> = edits
            .into_iter()
            .map(|it| text_edit(&index, it, snapshot.encoding))
            .collect();
        changes.insert(url, edits);
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

/// A completion item that replaces `range` (the item's, converted).
pub(crate) fn completion_item(
    item: CompletionItem,
    range: lsp::Range,
    dir: &Path,
) -> lsp::CompletionItem {
    let kind = match item.kind {
        CompletionKind::Builtin | CompletionKind::Keyword | CompletionKind::Section => {
            lsp::CompletionItemKind::KEYWORD
        }
        CompletionKind::Directive => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Action => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Macro => lsp::CompletionItemKind::MODULE,
        CompletionKind::Zone => lsp::CompletionItemKind::ENUM,
        CompletionKind::SpecialZone => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Interface => lsp::CompletionItemKind::INTERFACE,
        CompletionKind::Param => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Protocol | CompletionKind::LogLevel => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Service | CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        CompletionKind::Setting => lsp::CompletionItemKind::PROPERTY,
    };
    let new_text = item.insert.unwrap_or_else(|| item.label.clone());
    let data = item
        .macro_name
        .as_ref()
        .map(|name| json!({ "macro": name, "dir": dir }));
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(markdown),
        sort_text: (!item.sort_text.is_empty()).then_some(item.sort_text),
        // No `filterText`: it defaults to the label.
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text,
        })),
        command: item.retrigger.then(|| lsp::Command {
            title: "complete the target".to_owned(),
            command: "editor.action.triggerSuggest".to_owned(),
            arguments: None,
        }),
        data,
        ..Default::default()
    }
}

pub(crate) fn markdown(text: String) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value: text,
    })
}

pub(crate) fn folding_range(index: &LineIndex, fold: Fold) -> Option<lsp::FoldingRange> {
    let start_line = index.line_col(fold.range.start()).line;
    let end_line = index.line_col(fold.range.end()).line;
    if end_line <= start_line {
        return None;
    }
    let kind = match fold.kind {
        FoldKind::Comment => Some(lsp::FoldingRangeKind::Comment),
        FoldKind::Section | FoldKind::Conditional | FoldKind::Embedded => {
            Some(lsp::FoldingRangeKind::Region)
        }
        FoldKind::Record => None,
    };
    Some(lsp::FoldingRange {
        start_line,
        start_character: None,
        end_line,
        end_character: None,
        kind,
        collapsed_text: None,
    })
}

#[allow(deprecated)]
pub(crate) fn document_symbol(
    index: &LineIndex,
    symbol: Symbol,
    encoding: PositionEncoding,
) -> lsp::DocumentSymbol {
    let kind = match symbol.kind {
        SymbolKind::Section => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Rule => lsp::SymbolKind::EVENT,
        SymbolKind::Zone => lsp::SymbolKind::MODULE,
        SymbolKind::Interface => lsp::SymbolKind::INTERFACE,
        SymbolKind::Host => lsp::SymbolKind::OBJECT,
        SymbolKind::Policy => lsp::SymbolKind::OPERATOR,
        SymbolKind::Param => lsp::SymbolKind::VARIABLE,
        SymbolKind::Setting => lsp::SymbolKind::PROPERTY,
        SymbolKind::Action => lsp::SymbolKind::FUNCTION,
    };
    let children: Vec<lsp::DocumentSymbol> = symbol
        .children
        .into_iter()
        .map(|it| document_symbol(index, it, encoding))
        .collect();
    lsp::DocumentSymbol {
        name: if symbol.name.is_empty() {
            "-".to_owned()
        } else {
            symbol.name
        },
        detail: symbol.detail,
        kind,
        tags: None,
        deprecated: None,
        range: range(index, symbol.range, encoding),
        selection_range: range(index, symbol.selection_range, encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

pub(crate) fn document_highlight(
    index: &LineIndex,
    highlight: HighlightedRange,
    encoding: PositionEncoding,
) -> lsp::DocumentHighlight {
    lsp::DocumentHighlight {
        range: range(index, highlight.range, encoding),
        kind: Some(if highlight.is_definition {
            lsp::DocumentHighlightKind::WRITE
        } else {
            lsp::DocumentHighlightKind::READ
        }),
    }
}

/// The token types of the semantic tokens legend, in the order [`token_type`] indexes them.
pub(crate) const TOKEN_TYPES: &[lsp::SemanticTokenType] = &[
    lsp::SemanticTokenType::KEYWORD,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::MACRO,
    lsp::SemanticTokenType::NAMESPACE,
    lsp::SemanticTokenType::INTERFACE,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::STRING,
    lsp::SemanticTokenType::NUMBER,
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::ENUM_MEMBER,
    lsp::SemanticTokenType::COMMENT,
    lsp::SemanticTokenType::DECORATOR,
    lsp::SemanticTokenType::PROPERTY,
];

fn token_type(tag: HighlightTag) -> u32 {
    match tag {
        HighlightTag::BuiltinAction => 0,
        HighlightTag::Action => 1,
        HighlightTag::Macro => 2,
        HighlightTag::Zone => 3,
        HighlightTag::Interface => 4,
        HighlightTag::Param => 5,
        HighlightTag::Address => 6,
        HighlightTag::Port => 7,
        HighlightTag::Protocol => 8,
        HighlightTag::LogLevel => 9,
        HighlightTag::Comment => 10,
        HighlightTag::Directive => 11,
        HighlightTag::Option | HighlightTag::Setting => 12,
    }
}

/// Semantic tokens, relative-encoded; each token is cut to its first line (the protocol's
/// tokens cannot span lines).
pub(crate) fn semantic_tokens(
    index: &LineIndex,
    ranges: Vec<highlight::HighlightedRange>,
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let utf16 = encoding == PositionEncoding::Utf16;
    let mut res = Vec::with_capacity(ranges.len());
    let (mut previous_line, mut previous_start) = (0u32, 0u32);
    for it in ranges {
        // The ranges come in the file's order: each is on the line of the last or after it.
        let start = index.line_col_from(it.range.start(), previous_line);
        let line_end = index.line_end(start.line);
        let end = LineCol {
            line: start.line,
            col: start.col
                + u32::from(it.range.end().min(line_end).max(it.range.start()) - it.range.start()),
        };
        let start_wide = index.to_wide(start, utf16);
        let end_wide = index.to_wide(end, utf16);
        let length = end_wide.col.saturating_sub(start_wide.col);
        if length == 0 {
            continue;
        }
        let delta_line = start.line - previous_line;
        let delta_start = if delta_line == 0 {
            start_wide.col - previous_start
        } else {
            start_wide.col
        };
        res.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: token_type(it.tag),
            token_modifiers_bitset: 0,
        });
        previous_line = start.line;
        previous_start = start_wide.col;
    }
    res
}

pub(crate) fn code_action(
    snapshot: &Snapshot,
    index: &LineIndex,
    action: CodeAction,
    diagnostics: &[lsp::Diagnostic],
) -> lsp::CodeActionOrCommand {
    let kind = match action.kind {
        CodeActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
        CodeActionKind::Rewrite => lsp::CodeActionKind::REFACTOR_REWRITE,
        CodeActionKind::Source => lsp::CodeActionKind::new("source.upgrade.shorewall"),
    };
    let fixed: Vec<lsp::Diagnostic> = match action.fixes {
        Some((fixed_range, code)) => {
            let fixed_range = range(index, fixed_range, snapshot.encoding);
            diagnostics
                .iter()
                .filter(|it| {
                    it.range == fixed_range
                        && it.code == Some(lsp::NumberOrString::String(code.to_owned()))
                })
                .cloned()
                .collect()
        }
        None => Vec::new(),
    };
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: action.title,
        kind: Some(kind),
        is_preferred: (fixed.len() == 1 && action.kind == CodeActionKind::QuickFix).then_some(true),
        diagnostics: (!fixed.is_empty()).then_some(fixed),
        edit: Some(workspace_edit(snapshot, action.change)),
        ..Default::default()
    })
}
