//! The entry points of the fuzz targets under `fuzz/`, kept here so that `cargo test` runs them
//! over the corpus (`tests/fuzz_entry_points.rs`) and they cannot rot.
//!
//! Each entry point takes the fuzzer's bytes, turns them into an input the tool reads, runs
//! one part of the tool on it, and panics if an invariant is broken. Inputs are encoded so
//! that a mutation of the bytes is a plausible edit of a configuration:
//! - one file: a first byte that picks the file's name (and so its kind) and family, then the
//!   text;
//! - a directory: files separated by a `0xFF` byte (never part of UTF-8 text), each a name on
//!   its first line and then the text;
//! - a language server session: messages separated by `0xFF`, each a JSON-RPC body the entry
//!   point frames with its `Content-Length`, or, after a leading `!`, bytes sent as they are
//!   (broken headers, truncated frames).
//!
//! Text that is not UTF-8 is read with replacement characters: the tool refuses such files
//! before parsing, so only text reaches the parser.

use std::path::{Path, PathBuf};

use shorewall_ls::{
    cli::check,
    compile::{emit, lower},
    model::{self, Environment, MemoryVfs, Model, Severity},
};
use shorewall_syntax::{
    format::{check::check_format, FormatOptions},
    fuzz::check_parser,
    Family, FileType,
};

/// The file names the first byte of a one-file input picks from: one of each kind, so that
/// every grammar is reached.
pub const FILE_NAMES: &[&str] = &[
    "rules",
    "blrules",
    "macro.Fuzz",
    "action.Fuzz",
    "actions",
    "zones",
    "interfaces",
    "hosts",
    "policy",
    "params",
    "shorewall6.conf",
    "capabilities",
    "stoppedrules",
    "routestopped",
    "mangle",
    "tcrules",
    "snat",
    "masq",
    "nat",
    "netmap",
    "providers",
    "rtrules",
    "routes",
    "tunnels",
    "accounting",
    "conntrack",
    "maclist",
    "proxyndp",
    "blacklist",
    "ecn",
    "tcinterfaces",
    "tcdevices",
    "tcclasses",
    "tcfilters",
    "tcpri",
    "secmarks",
    "arprules",
    "notes",
];

/// The separator of the files of a directory input.
pub const FILE_SEPARATOR: u8 = 0xFF;

/// A one-file input: the file's name, its family and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInput {
    pub name: &'static str,
    pub family: Family,
    pub text: String,
}

impl FileInput {
    pub fn decode(data: &[u8]) -> FileInput {
        let (selector, text) = match data.split_first() {
            Some((first, rest)) => (*first, rest),
            None => (0, data),
        };
        let name = FILE_NAMES
            .get(usize::from(selector & 0x7F) % FILE_NAMES.len())
            .copied()
            .unwrap_or("rules");
        let family = if selector & 0x80 == 0 {
            Family::Ipv6
        } else {
            Family::Ipv4
        };
        FileInput {
            name,
            family,
            text: String::from_utf8_lossy(text).into_owned(),
        }
    }

    /// The bytes that decode to a file named like `name` (its kind) with `text`.
    pub fn encode(name: &str, family: Family, text: &str) -> Vec<u8> {
        let kind = shorewall_syntax::FileKind::from_file_name(name);
        let index = FILE_NAMES
            .iter()
            .position(|it| *it == name)
            .or_else(|| {
                FILE_NAMES
                    .iter()
                    .position(|it| shorewall_syntax::FileKind::from_file_name(it) == kind)
            })
            .unwrap_or(0);
        let family_bit = match family {
            Family::Ipv6 => 0,
            Family::Ipv4 => 0x80,
        };
        let mut res = vec![index as u8 | family_bit];
        res.extend_from_slice(text.as_bytes());
        res
    }

    pub fn file_type(&self) -> FileType {
        FileType::new(
            shorewall_syntax::FileKind::from_file_name(self.name),
            self.family,
        )
    }
}

/// A directory input: its name says the family (`shorewall6` or `shorewall`), and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirInput {
    pub dir: PathBuf,
    pub files: Vec<(String, String)>,
}

impl DirInput {
    pub fn decode(data: &[u8]) -> DirInput {
        let (family, data) = match data.split_first() {
            Some((first, rest)) if first & 1 == 1 => ("shorewall", rest),
            Some((_, rest)) => ("shorewall6", rest),
            None => ("shorewall6", data),
        };
        let files = data
            .split(|it| *it == FILE_SEPARATOR)
            .filter_map(|chunk| {
                let text = String::from_utf8_lossy(chunk);
                let (name, body) = text.split_once('\n').unwrap_or((&text, ""));
                let name = name.trim();
                // A name the directory could hold: one path component.
                let valid = !name.is_empty()
                    && name.len() <= 64
                    && name != "."
                    && name != ".."
                    && !name.contains(['/', '\0']);
                valid.then(|| (name.to_owned(), body.to_owned()))
            })
            .collect();
        DirInput {
            dir: PathBuf::from("/fuzz").join(family),
            files,
        }
    }

    pub fn encode(family: Family, files: &[(String, String)]) -> Vec<u8> {
        let mut res = vec![match family {
            Family::Ipv6 => 0,
            Family::Ipv4 => 1,
        }];
        for (idx, (name, text)) in files.iter().enumerate() {
            if idx > 0 {
                res.push(FILE_SEPARATOR);
            }
            res.extend_from_slice(name.as_bytes());
            res.push(b'\n');
            res.extend_from_slice(text.as_bytes());
        }
        res
    }

    pub fn vfs(&self) -> MemoryVfs {
        let mut vfs = MemoryVfs::default();
        for (name, text) in &self.files {
            vfs.insert(self.dir.join(name), text.as_str());
        }
        vfs
    }
}

/// Fuzz target `parse`: the parser's invariants (lossless, errors in range and sorted, typed
/// accessors total) on one file.
pub fn parse(data: &[u8]) {
    let input = FileInput::decode(data);
    check_parser(&input.text, input.file_type());
}

/// Fuzz target `check`: the model of a generated directory, and the CLI's report of it.
pub fn check(data: &[u8]) {
    let input = DirInput::decode(data);
    let vfs = input.vfs();
    let model = model::build(&input.dir, &Environment::builtin(&vfs));
    check_model(&model);
}

/// Fuzz target `fmt`: the formatter's promises (idempotent, Shorewall reads the same thing,
/// the same syntax errors, every comment kept) on one file, with the default options and with
/// the other choices of each option.
pub fn fmt(data: &[u8]) {
    let input = FileInput::decode(data);
    let file_type = input.file_type();
    let other = FormatOptions {
        align: true,
        use_tabs: true,
        tab_width: 4,
        max_column_width: 8,
        upgrade: true,
    };
    let unaligned = FormatOptions {
        align: false,
        ..FormatOptions::default()
    };
    for options in [FormatOptions::default(), other, unaligned] {
        if let Err(message) = check_format(&input.text, file_type, &options) {
            panic!("{options:?}: {message}");
        }
    }
}

/// Fuzz target `compile`: a generated directory through the model and, when the model has
/// no error, the compiler; the ruleset must be well-formed restore input. Returns whether the
/// compiler produced a ruleset.
pub fn compile(data: &[u8]) -> bool {
    let input = DirInput::decode(data);
    let vfs = input.vfs();
    let env = Environment::builtin(&vfs);
    let model = model::build(&input.dir, &env);
    check_model(&model);
    if model
        .diagnostics
        .iter()
        .any(|it| it.severity == Severity::Error)
    {
        return false;
    }
    let Ok(compiled) = lower::compile(&model, &env) else {
        return false;
    };
    let text = emit::emit(&compiled.ruleset, emit::EmitOptions { annotate: true });
    check_restore_text(&text);
    true
}

/// The shape of ip6tables-restore input: tables that open with `*name` and close with
/// `COMMIT`, and in them only chain declarations, rules and comments.
pub fn check_restore_text(text: &str) {
    let mut in_table = false;
    for (idx, line) in text.lines().enumerate() {
        let ok = match line {
            _ if line.starts_with('*') => !std::mem::replace(&mut in_table, true),
            "COMMIT" => std::mem::replace(&mut in_table, false),
            _ if line.starts_with(':') || line.starts_with("-A ") || line.starts_with('#') => {
                in_table || line.starts_with('#')
            }
            _ => false,
        };
        assert!(
            ok,
            "line {}: not restore input here: {line:?}\n{text}",
            idx + 1
        );
    }
    assert!(!in_table, "a table is not committed:\n{text}");
}

/// The invariants of a model: every diagnostic and fix points into its file on character
/// boundaries, has a known code and a message, and converts to a line and column.
pub fn check_model(model: &Model) {
    let sites = model.diagnostics.iter().flat_map(|it| {
        std::iter::once(&it.site)
            .chain(it.related.iter().map(|(site, _)| site))
            .chain(it.fix.iter().map(|fix| &fix.site))
            .map(move |site| (site, it))
    });
    for (site, diagnostic) in sites {
        let file = model
            .file(site.file)
            .unwrap_or_else(|| panic!("a diagnostic names an unknown file: {diagnostic:?}"));
        let (start, end) = (
            usize::from(site.range.start()),
            usize::from(site.range.end()),
        );
        assert!(
            end <= file.text.len()
                && file.text.is_char_boundary(start)
                && file.text.is_char_boundary(end),
            "a diagnostic range is outside {} or splits a character: {site:?} {} {:?}",
            file.path.display(),
            diagnostic.code,
            diagnostic.message
        );
    }
    for diagnostic in &model.diagnostics {
        assert!(
            model::CODES.iter().any(|it| it.0 == diagnostic.code),
            "unknown diagnostic code {}",
            diagnostic.code
        );
        assert!(
            !diagnostic.message.trim().is_empty(),
            "empty message: {diagnostic:?}"
        );
    }
    for it in &check::report(model, Path::new("/")) {
        assert!(it.line >= 1 && it.column >= 1, "{it:?}");
        assert!(
            (it.end_line, it.end_column) >= (it.line, it.column),
            "{it:?}"
        );
    }
}

/// The regular UTF-8 files of `dir` on disk as a directory input (the corpus tests and seeds).
pub fn dir_input_from_disk(dir: &Path) -> Option<DirInput> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !entry.file_type().is_ok_and(|it| it.is_file()) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            files.push((name, text));
        }
    }
    files.sort();
    let family = match dir.file_name().and_then(|it| it.to_str()) {
        Some("shorewall") => "shorewall",
        _ if files.iter().any(|(name, _)| name == "shorewall.conf") => "shorewall",
        _ => "shorewall6",
    };
    Some(DirInput {
        dir: PathBuf::from("/fuzz").join(family),
        files,
    })
}

/// Every configuration directory under `corpus` (a directory that holds files), encoded as
/// directory inputs.
pub fn corpus_dir_inputs(corpus: &Path) -> Vec<Vec<u8>> {
    let mut dirs = Vec::new();
    walk(corpus, &mut |dir| dirs.push(dir.to_path_buf()), &mut |_| {});
    dirs.sort();
    dirs.iter()
        .filter_map(|dir| dir_input_from_disk(dir))
        .filter(|it| !it.files.is_empty())
        .map(|it| {
            let family = if it.dir.ends_with("shorewall") {
                Family::Ipv4
            } else {
                Family::Ipv6
            };
            DirInput::encode(family, &it.files)
        })
        .collect()
}

/// Every UTF-8 file under `corpus`, encoded as a one-file input of the kind its name says,
/// with the family of its directory.
pub fn corpus_file_inputs(corpus: &Path) -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    walk(corpus, &mut |_| {}, &mut |file| {
        paths.push(file.to_path_buf())
    });
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let name = path.file_name()?.to_str()?;
            let family = Family::from_path(path);
            Some(FileInput::encode(name, family, &text))
        })
        .collect()
}

/// Calls `on_dir` for every directory below `root` and `on_file` for every regular file.
fn walk(root: &Path, on_dir: &mut dyn FnMut(&Path), on_file: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    on_dir(root);
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), on_dir, on_file);
        } else if kind.is_file() {
            on_file(&entry.path());
        }
    }
}

/// A language server session: `initialize`, then (once it is answered) `initialized`, what
/// the fuzzer's bytes say, and `shutdown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInput {
    /// The `initialize` request, framed.
    pub first: Vec<u8>,
    /// The rest of what the server reads, framed.
    pub rest: Vec<u8>,
}

/// The first byte of a message of a session input that is sent unframed.
pub const RAW_MESSAGE: u8 = b'!';

impl SessionInput {
    pub fn decode(data: &[u8]) -> SessionInput {
        let mut first = Vec::new();
        frame(
            &mut first,
            br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#,
        );
        let mut rest = Vec::new();
        frame(
            &mut rest,
            br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        );
        for chunk in data.split(|it| *it == FILE_SEPARATOR) {
            match chunk.split_first() {
                Some((&RAW_MESSAGE, raw)) => rest.extend_from_slice(raw),
                _ => frame(&mut rest, chunk),
            }
        }
        // No `exit`: a client sends it only once `shutdown` is answered, and the server
        // stops at once. The end of the input ends the session after every answer.
        frame(
            &mut rest,
            br#"{"jsonrpc":"2.0","id":999999,"method":"shutdown"}"#,
        );
        SessionInput { first, rest }
    }

    /// The bytes that decode to a session sending `messages` (JSON bodies, or raw bytes after
    /// a leading `!`).
    pub fn encode(messages: &[Vec<u8>]) -> Vec<u8> {
        messages.join(&FILE_SEPARATOR)
    }

    /// Serves the session in process; what the server wrote.
    pub fn serve(&self) -> Vec<u8> {
        shorewall_ls::lsp::serve_bytes(&self.first, &self.rest)
    }
}

/// Appends `body` with its `Content-Length` header.
fn frame(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
}

/// Fuzz target `lsp`: a session through the language server's message path, in process. The
/// server must end when its input does, and write only well-formed frames of JSON-RPC.
pub fn lsp(data: &[u8]) {
    let output = SessionInput::decode(data).serve();
    check_frames(&output);
}

/// Every frame of `output` is a `Content-Length` header and a JSON-RPC 2.0 message.
pub fn check_frames(output: &[u8]) {
    let mut rest = output;
    while !rest.is_empty() {
        let end = rest
            .windows(4)
            .position(|it| it == b"\r\n\r\n")
            .unwrap_or_else(|| {
                panic!(
                    "a frame without a header end: {:?}",
                    String::from_utf8_lossy(rest)
                )
            });
        let header = std::str::from_utf8(&rest[..end]).expect("an ASCII header");
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|it| it.parse().ok())
            .unwrap_or_else(|| panic!("a bad header: {header:?}"));
        let body = rest
            .get(end + 4..end + 4 + length)
            .unwrap_or_else(|| panic!("a truncated frame: {header:?}"));
        let message: serde_json::Value = serde_json::from_slice(body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {:?}", String::from_utf8_lossy(body)));
        assert_eq!(message["jsonrpc"], "2.0", "{message}");
        rest = &rest[end + 4 + length..];
    }
}

/// The session inputs over every file of the project's example configuration.
pub fn example_sessions() -> Vec<Vec<u8>> {
    let dir = crate::workspace_root().join("examples/shorewall6");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|it| it.file_name().into_string().ok())
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(dir.join(name)).ok()?;
            Some(SessionInput::encode(&example_session(name, &text)))
        })
        .collect()
}

/// A session over one file of the example configuration: open it, ask every kind of question
/// at a few positions, edit it, ask again, close it. The seeds of the `lsp` target.
pub fn example_session(name: &str, text: &str) -> Vec<Vec<u8>> {
    use serde_json::json;
    let uri = format!("file:///fuzz/shorewall6/{name}");
    let doc = json!({ "uri": uri });
    let mut messages = vec![
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": { "uri": uri, "languageId": "shorewall", "version": 1, "text": text } } }),
    ];
    let mut id = 1;
    let mut request = |messages: &mut Vec<serde_json::Value>, method: &str, params| {
        messages.push(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id += 1;
    };
    for (line, character) in [(0, 0), (2, 3), (5, 10)] {
        let position = json!({ "line": line, "character": character });
        let at = json!({ "textDocument": doc, "position": position });
        request(&mut messages, "textDocument/hover", at.clone());
        request(&mut messages, "textDocument/completion", at.clone());
        request(&mut messages, "textDocument/definition", at.clone());
        let mut references = at.clone();
        references["context"] = json!({ "includeDeclaration": true });
        request(&mut messages, "textDocument/references", references);
    }
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 8, "character": 0 } });
    request(
        &mut messages,
        "textDocument/documentSymbol",
        json!({ "textDocument": doc }),
    );
    request(
        &mut messages,
        "textDocument/foldingRange",
        json!({ "textDocument": doc }),
    );
    request(
        &mut messages,
        "textDocument/semanticTokens/full",
        json!({ "textDocument": doc }),
    );
    request(
        &mut messages,
        "textDocument/formatting",
        json!({ "textDocument": doc, "options": { "tabSize": 8, "insertSpaces": false } }),
    );
    request(
        &mut messages,
        "textDocument/codeAction",
        json!({ "textDocument": doc, "range": whole, "context": { "diagnostics": [] } }),
    );
    messages.push(json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": uri, "version": 2 },
        "contentChanges": [{ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } }, "text": "ACCEPT\tnet\t$FW\ttcp\t22\n" }] } }));
    request(
        &mut messages,
        "textDocument/hover",
        json!({ "textDocument": doc, "position": { "line": 1, "character": 2 } }),
    );
    // The tokens' delta from the first set (result ids count from 0), from the reparsed tree.
    request(
        &mut messages,
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": doc, "previousResultId": "0" }),
    );
    request(
        &mut messages,
        "workspace/executeCommand",
        json!({ "command": "shorewall.preview", "arguments": [uri] }),
    );
    messages.push(json!({ "jsonrpc": "2.0", "method": "textDocument/didClose", "params": { "textDocument": doc } }));
    let mut res: Vec<Vec<u8>> = messages
        .iter()
        .map(|it| serde_json::to_vec(it).unwrap_or_default())
        .collect();
    // A header that is not one, and a frame cut short.
    res.push(b"!Content-Lenght: 2\r\n\r\n{}".to_vec());
    res.push(b"!Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\"".to_vec());
    res
}
