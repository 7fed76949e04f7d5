//! Open documents: paths from URLs, and the edits of `didChange` applied in order.

use std::{path::PathBuf, sync::Arc};

use shorewall_syntax::LineIndex;
use tower_lsp::lsp_types::{TextDocumentContentChangeEvent, Url};

use crate::lsp::{
    from_proto::{self, PositionEncoding},
    state::OpenDocument,
};

/// The path of a `file:` URL. Other schemes (an unsaved buffer) are not analysed: a document
/// belongs to the configuration directory it is in.
pub(crate) fn path_of(url: &Url) -> Option<PathBuf> {
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

impl OpenDocument {
    pub(crate) fn new(path: PathBuf, text: String, version: i32) -> OpenDocument {
        let line_index = Arc::new(LineIndex::new(&text));
        OpenDocument {
            path,
            text: Arc::from(text),
            version,
            line_index,
        }
    }

    /// Applies the changes of one `didChange`, in order: each range is in the text the
    /// previous change left. A change without a range replaces the whole text.
    pub(crate) fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        let mut text = String::from(&*self.text);
        let mut index = self.line_index.clone();
        let count = changes.len();
        for (idx, change) in changes.into_iter().enumerate() {
            match change.range {
                Some(range) => {
                    let range = from_proto::range(&index, &text, range, encoding);
                    text.replace_range(
                        usize::from(range.start())..usize::from(range.end()),
                        &change.text,
                    );
                }
                None => text = change.text,
            }
            // The next change's positions are in this change's result.
            if idx + 1 < count {
                index = Arc::new(LineIndex::new(&text));
            }
        }
        self.line_index = Arc::new(LineIndex::new(&text));
        self.text = Arc::from(text);
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp::lsp_types::{Position, Range};

    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(start, end)| Range {
                start: Position {
                    line: start.0,
                    character: start.1,
                },
                end: Position {
                    line: end.0,
                    character: end.1,
                },
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_changes_in_order_with_utf16_columns() {
        let mut document = OpenDocument::new(
            PathBuf::from("/etc/shorewall6/rules"),
            "# über \u{1F600}\nACCEPT net $FW\n".to_owned(),
            1,
        );
        document.apply(
            vec![
                // After the emoji (UTF-16 column 9): " x".
                change(Some(((0, 9), (0, 9))), " x"),
                // Then replace `net` on the second line.
                change(Some(((1, 7), (1, 10))), "loc"),
            ],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(&*document.text, "# über \u{1F600} x\nACCEPT loc $FW\n");
        assert_eq!(document.version, 2);
        document.apply(
            vec![change(None, "DROP net all\n")],
            3,
            PositionEncoding::Utf16,
        );
        assert_eq!(&*document.text, "DROP net all\n");
    }
}
