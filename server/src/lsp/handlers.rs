//! One function per request: convert the parameters, ask the snapshot, convert the answer.
//! The whole-file requests (symbols, folding, semantic tokens) of a large file run on the
//! big-work thread, where its tree is made (see `ide::big_work`).
//! Each runs in a blocking thread ([`State::run`]); a document the server does not have, or a
//! position outside it, gives an empty answer rather than an error.

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use serde_json::Value;
use shorewall_syntax::{LineIndex, TextRange};
use tower_lsp::{jsonrpc::Result, lsp_types as lsp};

use crate::{
    ide::{big_work, db::dir_of, FilePosition, FileRange},
    lsp::{
        ext, from_proto,
        state::{invalid_params, request_failed, Snapshot, State},
        to_proto,
    },
};

/// A document position as the `ide` layer takes it, with the document's line index.
fn position(
    snapshot: &Snapshot,
    document: &lsp::TextDocumentPositionParams,
) -> Option<(FilePosition, Arc<LineIndex>)> {
    let (path, index) = snapshot.document(&document.text_document.uri)?;
    let text = snapshot.analysis.file_text(&path)?;
    let offset = from_proto::offset(&index, &text, document.position, snapshot.encoding);
    Some((FilePosition { path, offset }, index))
}

fn file_range(
    snapshot: &Snapshot,
    url: &lsp::Url,
    range: lsp::Range,
) -> Option<(FileRange, Arc<LineIndex>)> {
    let (path, index) = snapshot.document(url)?;
    let text = snapshot.analysis.file_text(&path)?;
    let range = from_proto::range(&index, &text, range, snapshot.encoding);
    Some((FileRange { path, range }, index))
}

pub(crate) async fn completion(
    state: &State,
    params: lsp::CompletionParams,
) -> Result<Option<lsp::CompletionResponse>> {
    let raw_results = state.raw_results.clone();
    let answer = state
        .run("completion", move |snapshot| {
            let Some((position, index)) = position(&snapshot, &params.text_document_position)
            else {
                return Ok(None);
            };
            let dir = dir_of(&position.path).to_path_buf();
            let text = snapshot.analysis.file_text(&position.path);
            let mut documentation = HashMap::new();
            // Every item replaces the same word (but directives): its range is converted once.
            let mut last_range: Option<(TextRange, lsp::Range)> = None;
            let mut last_typed: Option<(TextRange, &str)> = None;
            let mut left_out = false;
            let items: Vec<lsp::CompletionItem> = snapshot
                .analysis
                .completion(&position)
                .into_iter()
                .filter(|it| {
                    let typed = match last_typed {
                        Some((range, typed)) if range == it.range => typed,
                        _ => {
                            let typed = text
                                .as_deref()
                                .and_then(|text| text.get(std::ops::Range::<usize>::from(it.range)))
                                .unwrap_or("");
                            last_typed = Some((it.range, typed));
                            typed
                        }
                    };
                    let shown = could_match(typed, &it.label);
                    left_out |= !shown;
                    shown
                })
                .map(|mut it| {
                    let range = match last_range {
                        Some((from, to)) if from == it.range => to,
                        _ => {
                            let to = to_proto::range(&index, it.range, snapshot.encoding);
                            last_range = Some((it.range, to));
                            to
                        }
                    };
                    // The manpage texts go out with `completionItem/resolve`, for the item the
                    // editor shows: sent with every item, they made the list slow to send.
                    let text = it.documentation.take();
                    let item = to_proto::completion_item(it, range, &dir);
                    if let Some(text) = text {
                        documentation.insert(item.label.clone(), text);
                    }
                    item
                })
                .collect();
            // Items the editor would filter out at once are not sent; the list is then
            // incomplete, and the editor asks again as the word changes.
            let list = lsp::CompletionResponse::List(lsp::CompletionList {
                is_incomplete: left_out,
                items,
            });
            let marker = raw_results.stash(&list)?;
            Ok(Some((marker, documentation)))
        })
        .await?;
    let Some((marker, documentation)) = answer else {
        return Ok(None);
    };
    *state.completion_documentation() = documentation;
    Ok(Some(lsp::CompletionResponse::Array(vec![
        lsp::CompletionItem {
            label: marker,
            ..Default::default()
        },
    ])))
}

/// Whether an editor could show an item labelled `label` for the word `typed` before the
/// cursor: editors filter with fuzzy matching, which keeps only labels that hold the typed
/// characters in order (ignoring case); a label that does not is never shown.
fn could_match(typed: &str, label: &str) -> bool {
    let mut label = label.chars().flat_map(char::to_lowercase);
    typed
        .chars()
        .flat_map(char::to_lowercase)
        .all(|wanted| label.any(|it| it == wanted))
}

pub(crate) async fn completion_resolve(
    state: &State,
    mut item: lsp::CompletionItem,
) -> Result<lsp::CompletionItem> {
    // The documentation of the last list's items is kept by label (see `completion`).
    if item.documentation.is_none() {
        if let Some(text) = state.completion_documentation().get(&item.label).cloned() {
            item.documentation = Some(to_proto::markdown(text));
            return Ok(item);
        }
    }
    state
        .run("completionItem/resolve", move |snapshot| {
            let data = item.data.as_ref();
            let name = data.and_then(|it| it.get("macro")).and_then(Value::as_str);
            let dir = data.and_then(|it| it.get("dir")).and_then(Value::as_str);
            if let (Some(name), Some(dir), None) = (name, dir, &item.documentation) {
                let documentation = snapshot
                    .analysis
                    .macro_documentation(&PathBuf::from(dir), name);
                item.documentation = documentation.map(to_proto::markdown);
            }
            Ok(item)
        })
        .await
}

pub(crate) async fn hover(state: &State, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
    state
        .run("hover", move |snapshot| {
            let Some((position, index)) =
                position(&snapshot, &params.text_document_position_params)
            else {
                return Ok(None);
            };
            let hover = snapshot.analysis.hover(&position).map(|it| lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: it.markdown,
                }),
                range: Some(to_proto::range(&index, it.range, snapshot.encoding)),
            });
            Ok(hover)
        })
        .await
}

pub(crate) async fn goto_definition(
    state: &State,
    params: lsp::GotoDefinitionParams,
) -> Result<Option<lsp::GotoDefinitionResponse>> {
    state
        .run("definition", move |snapshot| {
            let Some((position, _)) = position(&snapshot, &params.text_document_position_params)
            else {
                return Ok(None);
            };
            let targets: Vec<lsp::Location> = snapshot
                .analysis
                .goto_definition(&position)
                .into_iter()
                .filter_map(|it| to_proto::location(&snapshot, &it.path, it.focus_range))
                .collect();
            Ok((!targets.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(targets)))
        })
        .await
}

pub(crate) async fn references(
    state: &State,
    params: lsp::ReferenceParams,
) -> Result<Option<Vec<lsp::Location>>> {
    state
        .run("references", move |snapshot| {
            let Some((position, _)) = position(&snapshot, &params.text_document_position) else {
                return Ok(None);
            };
            let Some(search) = snapshot.analysis.references(&position) else {
                return Ok(None);
            };
            let declarations = search
                .declarations
                .iter()
                .filter(|_| params.context.include_declaration);
            let res = declarations
                .chain(search.references.iter())
                .filter_map(|it| to_proto::location(&snapshot, &it.path, it.range))
                .collect();
            Ok(Some(res))
        })
        .await
}

pub(crate) async fn document_highlight(
    state: &State,
    params: lsp::DocumentHighlightParams,
) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
    state
        .run("documentHighlight", move |snapshot| {
            let Some((position, index)) =
                position(&snapshot, &params.text_document_position_params)
            else {
                return Ok(None);
            };
            let res = snapshot
                .analysis
                .document_highlight(&position)
                .into_iter()
                .map(|it| to_proto::document_highlight(&index, it, snapshot.encoding))
                .collect();
            Ok(Some(res))
        })
        .await
}

pub(crate) async fn document_symbol(
    state: &State,
    params: lsp::DocumentSymbolParams,
) -> Result<Option<lsp::DocumentSymbolResponse>> {
    let raw_results = state.raw_results.clone();
    let marker = state
        .run("documentSymbol", move |snapshot| {
            let Some((path, index)) = snapshot.document(&params.text_document.uri) else {
                return Ok(None);
            };
            big_work::run_if_big(file_len(&snapshot, &path), move || {
                let symbols: Vec<lsp::DocumentSymbol> = snapshot
                    .analysis
                    .document_symbols(&path)
                    .into_iter()
                    .map(|it| to_proto::document_symbol(&index, it, snapshot.encoding))
                    .collect();
                raw_results.stash(&symbols).map(Some)
            })
        })
        .await?;
    #[allow(deprecated)]
    let stand_in = marker.map(|name| {
        lsp::DocumentSymbolResponse::Nested(vec![lsp::DocumentSymbol {
            name,
            detail: None,
            kind: lsp::SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: lsp::Range::default(),
            selection_range: lsp::Range::default(),
            children: None,
        }])
    });
    Ok(stand_in)
}

pub(crate) async fn folding_range(
    state: &State,
    params: lsp::FoldingRangeParams,
) -> Result<Option<Vec<lsp::FoldingRange>>> {
    let raw_results = state.raw_results.clone();
    let marker = state
        .run("foldingRange", move |snapshot| {
            let Some((path, index)) = snapshot.document(&params.text_document.uri) else {
                return Ok(None);
            };
            big_work::run_if_big(file_len(&snapshot, &path), move || {
                let folds: Vec<lsp::FoldingRange> = snapshot
                    .analysis
                    .folding_ranges(&path)
                    .into_iter()
                    .filter_map(|it| to_proto::folding_range(&index, it))
                    .collect();
                raw_results.stash(&folds).map(Some)
            })
        })
        .await?;
    Ok(marker.map(|it| {
        vec![lsp::FoldingRange {
            collapsed_text: Some(it),
            ..Default::default()
        }]
    }))
}

pub(crate) async fn semantic_tokens_full(
    state: &State,
    params: lsp::SemanticTokensParams,
) -> Result<Option<lsp::SemanticTokensResult>> {
    let answer = semantic_tokens(state, params.text_document.uri, Tokens::Full).await?;
    // Asked for the whole set, the answer is never a delta.
    Ok(answer.and_then(|it| match it {
        lsp::SemanticTokensFullDeltaResult::Tokens(tokens) => {
            Some(lsp::SemanticTokensResult::Tokens(tokens))
        }
        _ => None,
    }))
}

pub(crate) async fn semantic_tokens_full_delta(
    state: &State,
    params: lsp::SemanticTokensDeltaParams,
) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
    semantic_tokens(
        state,
        params.text_document.uri,
        Tokens::DeltaFrom(params.previous_result_id),
    )
    .await
}

pub(crate) async fn semantic_tokens_range(
    state: &State,
    params: lsp::SemanticTokensRangeParams,
) -> Result<Option<lsp::SemanticTokensRangeResult>> {
    let answer = semantic_tokens(state, params.text_document.uri, Tokens::In(params.range)).await?;
    Ok(answer.and_then(|it| match it {
        lsp::SemanticTokensFullDeltaResult::Tokens(tokens) => {
            Some(lsp::SemanticTokensRangeResult::Tokens(tokens))
        }
        _ => None,
    }))
}

/// Which semantic tokens a request asks for.
enum Tokens {
    /// All of the document's, kept as sent for a later delta.
    Full,
    /// The edits from the ones sent under this result id, or all of them if those are not
    /// the ones kept.
    DeltaFrom(String),
    /// Those in a range.
    In(lsp::Range),
}

/// The semantic tokens a request asks for. A whole set is serialized by this handler
/// ([`raw_results`](super::raw_results)): the answer holds a stand-in whose `resultId` is the
/// marker.
async fn semantic_tokens(
    state: &State,
    url: lsp::Url,
    wanted: Tokens,
) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
    let raw_results = state.raw_results.clone();
    let sent_tokens = state.sent_tokens.clone();
    state
        .run("semanticTokens", move |snapshot| {
            let Some((path, index)) = snapshot.document(&url) else {
                return Ok(None);
            };
            big_work::run_if_big(file_len(&snapshot, &path), move || {
                let mut ranges = snapshot.analysis.highlight(&path);
                if let (Tokens::In(range), Some(text)) =
                    (&wanted, snapshot.analysis.file_text(&path))
                {
                    let wanted = from_proto::range(&index, &text, *range, snapshot.encoding);
                    ranges.retain(|it| it.range.intersect(wanted).is_some());
                }
                let data = Arc::new(to_proto::semantic_tokens(&index, ranges, snapshot.encoding));
                let result_id = match &wanted {
                    Tokens::In(_) => None,
                    Tokens::Full => Some(sent_tokens.remember(&url, data.clone())),
                    Tokens::DeltaFrom(previous) => {
                        if let Some(delta) = sent_tokens.delta(&url, previous, data.clone()) {
                            return Ok(Some(lsp::SemanticTokensFullDeltaResult::TokensDelta(
                                delta,
                            )));
                        }
                        Some(sent_tokens.remember(&url, data.clone()))
                    }
                };
                let marker = raw_results.stash(&lsp::SemanticTokens {
                    result_id,
                    data: Arc::unwrap_or_clone(data),
                })?;
                Ok(Some(lsp::SemanticTokensFullDeltaResult::Tokens(
                    lsp::SemanticTokens {
                        result_id: Some(marker),
                        data: Vec::new(),
                    },
                )))
            })
        })
        .await
}

pub(crate) async fn code_action(
    state: &State,
    params: lsp::CodeActionParams,
) -> Result<Option<lsp::CodeActionResponse>> {
    state
        .run("codeAction", move |snapshot| {
            let Some((range, index)) =
                file_range(&snapshot, &params.text_document.uri, params.range)
            else {
                return Ok(None);
            };
            let only = params.context.only.as_deref();
            let actions = snapshot
                .analysis
                .code_actions(&range)
                .into_iter()
                .map(|it| to_proto::code_action(&snapshot, &index, it, &params.context.diagnostics))
                .filter(|it| wanted(it, only))
                .collect();
            Ok(Some(actions))
        })
        .await
}

/// The length of a file's text: whole-file requests on a large one run on the big-work thread.
fn file_len(snapshot: &Snapshot, path: &std::path::Path) -> usize {
    snapshot.analysis.file_text(path).map_or(0, |it| it.len())
}

/// Whether an action is of a kind the client asked for (`only`), by prefix.
fn wanted(action: &lsp::CodeActionOrCommand, only: Option<&[lsp::CodeActionKind]>) -> bool {
    let (lsp::CodeActionOrCommand::CodeAction(action), Some(only)) = (action, only) else {
        return true;
    };
    let kind = action.kind.as_ref().map_or("", |it| it.as_str());
    only.iter()
        .any(|it| kind == it.as_str() || kind.starts_with(&format!("{}.", it.as_str())))
}

pub(crate) async fn formatting(
    state: &State,
    params: lsp::DocumentFormattingParams,
) -> Result<Option<Vec<lsp::TextEdit>>> {
    format(state, params.text_document.uri, None).await
}

pub(crate) async fn range_formatting(
    state: &State,
    params: lsp::DocumentRangeFormattingParams,
) -> Result<Option<Vec<lsp::TextEdit>>> {
    format(state, params.text_document.uri, Some(params.range)).await
}

async fn format(
    state: &State,
    url: lsp::Url,
    range: Option<lsp::Range>,
) -> Result<Option<Vec<lsp::TextEdit>>> {
    state
        .run("formatting", move |snapshot| {
            let Some((path, index)) = snapshot.document(&url) else {
                return Ok(None);
            };
            let text = snapshot.analysis.file_text(&path).unwrap_or_default();
            let range = range.map(|it| from_proto::range(&index, &text, it, snapshot.encoding));
            let options = ext::format_options(&snapshot.settings, &path);
            let edits = snapshot
                .analysis
                .format(&path, range, &options)
                .into_iter()
                .map(|it| to_proto::text_edit(&index, it, snapshot.encoding))
                .collect();
            Ok(Some(edits))
        })
        .await
}

pub(crate) async fn prepare_rename(
    state: &State,
    params: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    state
        .run("prepareRename", move |snapshot| {
            let Some((position, index)) = position(&snapshot, &params) else {
                return Ok(None);
            };
            let range = snapshot
                .analysis
                .prepare_rename(&position)
                .map_err(invalid_params)?;
            Ok(Some(lsp::PrepareRenameResponse::Range(to_proto::range(
                &index,
                range.range,
                snapshot.encoding,
            ))))
        })
        .await
}

pub(crate) async fn rename(
    state: &State,
    params: lsp::RenameParams,
) -> Result<Option<lsp::WorkspaceEdit>> {
    state
        .run("rename", move |snapshot| {
            let Some((position, _)) = position(&snapshot, &params.text_document_position) else {
                return Ok(None);
            };
            let change = snapshot
                .analysis
                .rename(&position, &params.new_name)
                .map_err(invalid_params)?;
            Ok(Some(to_proto::workspace_edit(&snapshot, change)))
        })
        .await
}

pub(crate) async fn execute_command(
    state: &State,
    params: lsp::ExecuteCommandParams,
) -> Result<Option<Value>> {
    state
        .run("executeCommand", move |snapshot| {
            let url = ext::command_document(&params.arguments)
                .and_then(|it| lsp::Url::parse(&it).ok())
                .ok_or_else(|| invalid_params("the first argument must be a document URI"))?;
            let (path, _) = snapshot.document(&url).ok_or_else(|| {
                invalid_params(format!("{url} is not a file the server can read"))
            })?;
            match params.command.as_str() {
                ext::PREVIEW => match snapshot.analysis.preview(&path) {
                    Ok(text) => Ok(Some(Value::String(text))),
                    Err(errors) => Err(request_failed(format!(
                        "the directory does not compile:\n{errors}"
                    ))),
                },
                ext::SYNTAX_TREE => {
                    let tree = snapshot.analysis.syntax_tree(&path).unwrap_or_default();
                    Ok(Some(Value::String(tree)))
                }
                other => Err(invalid_params(format!("unknown command {other}"))),
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::could_match;

    #[test]
    fn labels_that_could_match_the_typed_word() {
        assert!(could_match("", "ACCEPT"));
        assert!(could_match("AC", "ACCEPT"));
        assert!(could_match("ac", "A_ACCEPT"));
        assert!(could_match("acpt", "ACCEPT!"));
        assert!(could_match("$fw", "$FW"));
        assert!(could_match("ß", "ß"));
        assert!(!could_match("AC", "DROP"));
        assert!(!could_match("CA", "ACCEPT"));
        assert!(!could_match("ACCEPTX", "ACCEPT"));
    }
}
