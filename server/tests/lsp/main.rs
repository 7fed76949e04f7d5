//! Protocol tests: the real `shorewall-ls lsp --stdio` driven by a minimal client over pipes
//! (and a socket pair).
//! Lifecycle, document sync (non-ASCII text in UTF-16 and UTF-8, CRLF), versions, cancellation,
//! robustness, and one scenario per capability. What the features answer is tested in the
//! `ide` layer; here, that the answers get through the protocol right.

mod client;

use std::time::Duration;

use expect_test::expect;
use serde_json::{json, Value};

use client::{Client, TempDir};

const ZONES: &str = "fw\tfirewall\nnet\tipv6\nloc\tipv6\n";
const INTERFACES: &str = "?FORMAT 2\nnet\teth0\tdhcp\nloc\teth1\n";
const POLICY: &str = "loc\tnet\tACCEPT\nnet\tall\tDROP\tinfo\nall\tall\tREJECT\n";
const PARAMS: &str = "ADMIN=2001:db8::1\n";

/// A directory with zones, interfaces, policy, params and the given rules.
fn config(name: &str, rules: &str) -> TempDir {
    TempDir::new(
        name,
        &[
            ("zones", ZONES),
            ("interfaces", INTERFACES),
            ("policy", POLICY),
            ("params", PARAMS),
            ("rules", rules),
        ],
    )
}

fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": pos(line, character) })
}

/// `(line, start, end, code)` of each diagnostic, the columns as the client counts them.
fn summary(diagnostics: &Value) -> Vec<(u64, u64, u64, String)> {
    diagnostics["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|it| {
                    (
                        it["range"]["start"]["line"].as_u64().unwrap_or(0),
                        it["range"]["start"]["character"].as_u64().unwrap_or(0),
                        it["range"]["end"]["character"].as_u64().unwrap_or(0),
                        it["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn lifecycle() {
    let (client, result) = Client::initialized(json!({}));
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], json!("utf-16"));
    assert_eq!(capabilities["textDocumentSync"]["change"], json!(2));
    assert_eq!(result["serverInfo"]["name"], json!("shorewall-ls"));
    assert_eq!(
        capabilities["executeCommandProvider"]["commands"],
        json!(["shorewall.preview", "shorewall.syntaxTree"])
    );
    assert_eq!(client.shutdown(), Some(0));
}

/// Editors built on Node or libuv give the server a socket, not a pipe, for stdin and stdout
/// (the server waits on either without tokio's blocking threads).
#[test]
fn a_session_over_a_socket_pair() {
    let dir = config(
        "socket",
        "ACCEPT\tnet\t$FW\ttcp\t22\n# é ü 😀\nACCEPT\tnte\t$FW\n",
    );
    let mut client = Client::start_on_socket();
    client.initialize(json!({}));
    let uri = dir.uri("rules");
    client.open(
        &uri,
        &std::fs::read_to_string(dir.path("rules")).unwrap_or_default(),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(
        summary(&diagnostics),
        vec![(2, 7, 10, "unknown-zone".to_owned())],
        "{diagnostics}"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_client_that_closes_the_socket_ends_the_server() {
    let mut client = Client::start_on_socket();
    client.initialize(json!({}));
    assert_eq!(client.finish(), Some(1));
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let (mut client, _) = Client::initialized(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
}

#[test]
fn a_client_that_goes_away_ends_the_server() {
    let (client, _) = Client::initialized(json!({}));
    assert_eq!(client.finish(), Some(1));
}

#[test]
fn diagnostics_are_those_of_check() {
    let dir = config(
        "check",
        "ACCEPT\tnte\t$FW\ttcp\t22\nACC\tnet\t$FW\nACCEPT\tnet:eth9\t$FW\nDROP\tnet\t$FW\tudp\t99999\n",
    );
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(
        &uri,
        &std::fs::read_to_string(dir.path("rules")).unwrap_or_default(),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], json!(1));
    let from_lsp: Vec<(u64, String, String)> = published["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|it| {
            assert_eq!(it["source"], json!("shorewall6"));
            (
                it["range"]["start"]["line"].as_u64().unwrap_or(0) + 1,
                it["code"].as_str().unwrap_or("").to_owned(),
                it["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_shorewall-ls"))
        .args(["check", "--format", "json"])
        .arg(&dir.dir)
        .output()
        .expect("check runs");
    let reported: Value = serde_json::from_slice(&output.stdout).expect("check prints JSON");
    let from_check: Vec<(u64, String, String)> = reported
        .as_array()
        .into_iter()
        .flatten()
        .filter(|it| {
            it["path"]
                .as_str()
                .is_some_and(|path| path.ends_with("rules"))
        })
        .map(|it| {
            (
                it["line"].as_u64().unwrap_or(0),
                it["code"].as_str().unwrap_or("").to_owned(),
                it["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(from_lsp.len(), 4, "{from_lsp:?}");
    assert_eq!(from_lsp, from_check);
    client.shutdown();
}

#[test]
fn the_compilers_error_follows_the_models_diagnostics_and_clears_when_fixed() {
    // masq is read by the compiler only: its mistake is published after the model's
    // diagnostics, on the line Shorewall names, and goes away with the next fixed version.
    let dir = TempDir::new(
        "compile-stage",
        &[
            ("shorewall6.conf", ""),
            ("zones", ZONES),
            ("interfaces", INTERFACES),
            ("policy", POLICY),
            ("rules", "ACCEPT\tnet\t$FW\ttcp\t22\n"),
            ("masq", "eth0\t2001:db8:1::/64\n"),
        ],
    );
    let (mut client, _) = Client::initialized(json!({}));
    let masq = dir.uri("masq");
    client.open(&masq, "eth0\t2001:db8:1::/64\n");
    let first = client.diagnostics(&masq);
    assert_eq!(first["version"], json!(1));
    assert_eq!(first["diagnostics"], json!([]));
    let is_compile_error = |it: &Value| {
        it["method"] == json!("textDocument/publishDiagnostics")
            && it["params"]["uri"] == json!(masq)
            && it["params"]["diagnostics"][0]["code"] == json!("compile-error")
    };
    let edit = |client: &mut Client, version: i32, text: &str| {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": masq, "version": version },
                "contentChanges": [{ "text": text }]
            }),
        );
    };
    // A mistake: the model finds nothing, the compiler does.
    edit(&mut client, 2, "# masq\neth9\t2001:db8:1::/64\n");
    let model_stage = client.diagnostics(&masq);
    assert_eq!(model_stage["version"], json!(2));
    assert_eq!(model_stage["diagnostics"], json!([]));
    let compile_stage = client.wait_for("the compile stage", is_compile_error);
    assert_eq!(compile_stage["params"]["version"], json!(2));
    assert_eq!(
        summary(&compile_stage["params"]),
        vec![(1, 0, 20, "compile-error".to_owned())]
    );
    assert_eq!(
        compile_stage["params"]["diagnostics"][0]["message"],
        json!("Unknown interface (eth9)")
    );
    // Fixed: the model's diagnostics still carry the last compile error, until the compile
    // stage of the fixed version clears it; no compile error follows.
    edit(&mut client, 3, "# masq\neth0\t2001:db8:1::/64\n");
    let model_stage = client.diagnostics(&masq);
    assert_eq!(model_stage["version"], json!(3));
    assert_eq!(
        summary(&model_stage),
        vec![(1, 0, 20, "compile-error".to_owned())]
    );
    let cleared = client.wait_for("the compile stage of the fixed version", |it| {
        it["method"] == json!("textDocument/publishDiagnostics")
            && it["params"]["uri"] == json!(masq)
            && it["params"]["diagnostics"] == json!([])
    });
    assert_eq!(cleared["params"]["version"], json!(3));
    let later = client.drain(Duration::from_millis(1500));
    assert!(!later.iter().any(is_compile_error), "{later:?}");
    client.shutdown();
}

#[test]
fn the_compilers_warnings_follow_the_models_diagnostics_without_repeating_them() {
    // The second rule is unreachable after the first: the compiler warns on it. The third's
    // log prefix is too long: the model warns already, and the compiler's same warning is not
    // shown twice.
    let rules = "ACCEPT\tloc\t$FW\nACCEPT\tloc\t$FW\ttcp\t22\n\
                 ACCEPT:info:averyveryverylongtag\tnet\t$FW\ttcp\t80\n";
    let dir = TempDir::new(
        "compile-stage-warnings",
        &[
            ("shorewall6.conf", ""),
            ("zones", ZONES),
            ("interfaces", INTERFACES),
            ("policy", POLICY),
            ("rules", rules),
        ],
    );
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, rules);
    let model_stage = client.diagnostics(&uri);
    assert_eq!(
        summary(&model_stage),
        vec![(2, 0, 32, "log-prefix-truncated".to_owned())]
    );
    let compile_stage = client.wait_for("the compile stage", |it| {
        it["method"] == json!("textDocument/publishDiagnostics")
            && it["params"]["uri"] == json!(uri)
            && it["params"]["diagnostics"]
                .as_array()
                .is_some_and(|list| list.iter().any(|it| it["code"] == json!("compile-warning")))
    });
    assert_eq!(
        summary(&compile_stage["params"]),
        vec![
            (2, 0, 32, "log-prefix-truncated".to_owned()),
            (1, 0, 21, "compile-warning".to_owned()),
        ]
    );
    let warning = &compile_stage["params"]["diagnostics"][1];
    assert_eq!(
        warning["message"],
        json!("One or more unreachable rules in chain loc-fw have been discarded")
    );
    assert_eq!(warning["severity"], json!(2));
    client.shutdown();
}

#[test]
fn the_compilers_error_stays_while_another_file_of_the_directory_is_edited() {
    // A compile error in masq stays shown while the admin types in rules (every keystroke
    // republishes masq's model diagnostics), instead of blinking off until the next compile.
    let dir = TempDir::new(
        "compile-stage-kept",
        &[
            ("shorewall6.conf", ""),
            ("zones", ZONES),
            ("interfaces", INTERFACES),
            ("policy", POLICY),
            ("rules", "ACCEPT\tnet\t$FW\ttcp\t22\n"),
            ("masq", "eth9\t2001:db8:1::/64\n"),
        ],
    );
    let (mut client, _) = Client::initialized(json!({}));
    let masq = dir.uri("masq");
    let rules = dir.uri("rules");
    client.open(&masq, "eth9\t2001:db8:1::/64\n");
    client.open(&rules, "ACCEPT\tnet\t$FW\ttcp\t22\n");
    client.wait_for("the compile stage", |it| {
        it["method"] == json!("textDocument/publishDiagnostics")
            && it["params"]["uri"] == json!(masq)
            && it["params"]["diagnostics"][0]["code"] == json!("compile-error")
    });
    // What was published before (the model's first, empty lists) is not what this is about.
    client.drain(Duration::from_millis(100));
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": rules, "version": 2 },
            "contentChanges": [{ "text": "ACCEPT\tnet\t$FW\ttcp\t23\n" }]
        }),
    );
    let published = client.drain(Duration::from_millis(1000));
    let of_masq: Vec<_> = published
        .iter()
        .filter(|it| {
            it["method"] == json!("textDocument/publishDiagnostics")
                && it["params"]["uri"] == json!(masq)
        })
        .collect();
    assert!(!of_masq.is_empty(), "{published:?}");
    for it in of_masq {
        assert_eq!(
            summary(&it["params"]),
            vec![(0, 0, 20, "compile-error".to_owned())]
        );
    }
    client.shutdown();
}

#[test]
fn incremental_sync_with_utf16_columns() {
    let dir = config("utf16", "");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "# für 😀\nACCEPT\tnet\t$FW\n");
    assert_eq!(summary(&client.diagnostics(&uri)), vec![]);
    // After `# für 😀` (UTF-16: `#`, ` `, f, ü, r, ` `, two units for the emoji = 8).
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": pos(0, 8), "end": pos(0, 8) }, "text": "\nDROP nte all # é 😀" }]
        }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], json!(2));
    assert_eq!(
        summary(&published),
        vec![(1, 5, 8, "unknown-zone".to_owned())]
    );
    // Fix the zone with an edit placed after non-ASCII text on its line.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 3 },
            "contentChanges": [
                { "range": { "start": pos(1, 5), "end": pos(1, 8) }, "text": "net" },
                { "range": { "start": pos(1, 17), "end": pos(1, 19) }, "text": "ok" }
            ]
        }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], json!(3));
    assert_eq!(summary(&published), vec![]);
    let tree = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "shorewall.syntaxTree", "arguments": [uri] }),
        )
        .unwrap_or_default();
    assert!(
        tree.as_str()
            .is_some_and(|it| it.contains("COMMENT@25..32 \"# é ok\"")),
        "{tree}"
    );
    client.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = config("utf8", "");
    let capabilities = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (mut client, result) = Client::initialized(capabilities);
    assert_eq!(result["capabilities"]["positionEncoding"], json!("utf-8"));
    let uri = dir.uri("rules");
    client.open(&uri, "DROP nte all # é\nACCEPT\tnte\t$FW # é\n");
    let published = client.diagnostics(&uri);
    assert_eq!(
        summary(&published),
        vec![
            (0, 5, 8, "unknown-zone".to_owned()),
            (1, 7, 10, "unknown-zone".to_owned())
        ]
    );
    // The comment's semantic token is 4 bytes long (`# é` is 3 characters).
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap_or_default();
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect();
    let comment = data.chunks(5).find(|it| it[3] == 10).map(|it| it[2]);
    assert_eq!(comment, Some(4));
    client.shutdown();
}

#[test]
fn versions_only_go_forward() {
    let dir = config("versions", "");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "ACCEPT net $FW\n");
    client.diagnostics(&uri);
    for version in 2..=12 {
        let text = if version % 2 == 0 {
            "ACCEPT nte $FW\n"
        } else {
            "ACCEPT net $FW\n"
        };
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }
    // Versions are published in order, the last one included, and nothing after it.
    let mut seen = Vec::new();
    let mut last = Value::Null;
    while seen.last() != Some(&12) {
        let message = client.wait_for("diagnostics", |it| {
            it["method"] == json!("textDocument/publishDiagnostics")
        });
        seen.push(message["params"]["version"].as_i64().unwrap_or(0));
        last = message;
    }
    assert_eq!(
        summary(&last["params"]),
        vec![(0, 7, 10, "unknown-zone".to_owned())]
    );
    let later = client.drain(Duration::from_millis(500));
    seen.extend(
        later
            .iter()
            .filter(|it| it["method"] == json!("textDocument/publishDiagnostics"))
            .filter_map(|it| it["params"]["version"].as_i64()),
    );
    assert!(seen.windows(2).all(|it| it[0] < it[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&12));
    client.shutdown();
}

#[test]
fn a_change_to_zones_rechecks_the_open_rules() {
    let dir = config("zones-change", "ACCEPT\tdmz\t$FW\n");
    let (mut client, _) = Client::initialized(json!({}));
    let rules = dir.uri("rules");
    let zones = dir.uri("zones");
    client.open(&rules, "ACCEPT\tdmz\t$FW\n");
    assert_eq!(summary(&client.diagnostics(&rules)).len(), 1);
    client.open(&zones, ZONES);
    client.diagnostics(&rules);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": zones, "version": 2 },
            "contentChanges": [{ "range": { "start": pos(3, 0), "end": pos(3, 0) }, "text": "dmz\tipv6\n" }]
        }),
    );
    let published = client.wait_for("rules re-checked", |it| {
        it["params"]["uri"] == json!(rules) && it["params"]["diagnostics"] == json!([])
    });
    assert_eq!(published["params"]["version"], json!(1));
    // Closing zones: the file on disk (without dmz) counts again, and zones' own list is cleared.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": zones } }),
    );
    let cleared = client.diagnostics(&zones);
    assert_eq!(cleared["diagnostics"], json!([]));
    let published = client.wait_for("rules re-checked against the disk", |it| {
        it["params"]["uri"] == json!(rules) && it["params"]["diagnostics"] != json!([])
    });
    assert_eq!(summary(&published["params"]).len(), 1);
    client.shutdown();
}

#[test]
fn files_changed_on_disk_are_read_again() {
    let dir = config("watched", "ACCEPT\tdmz\t$FW\n");
    let (mut client, _) = Client::initialized(json!({}));
    let rules = dir.uri("rules");
    client.open(&rules, "ACCEPT\tdmz\t$FW\n");
    assert_eq!(summary(&client.diagnostics(&rules)).len(), 1);
    dir.write("zones", &format!("{ZONES}dmz\tipv6\n"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": dir.uri("zones"), "type": 2 }] }),
    );
    let published = client.diagnostics(&rules);
    assert_eq!(published["diagnostics"], json!([]));
    client.shutdown();
}

#[test]
fn crlf_documents() {
    let dir = config("crlf", "");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "ACCEPT net $FW\r\nDROP nte all\r\n");
    assert_eq!(
        summary(&client.diagnostics(&uri)),
        vec![(1, 5, 8, "unknown-zone".to_owned())]
    );
    // A position past the end of line 0 means its end, before the `\r\n`.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": pos(0, 99), "end": pos(0, 99) }, "text": " tcp" }]
        }),
    );
    client.diagnostics(&uri);
    let tree = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "shorewall.syntaxTree", "arguments": [{ "uri": uri }] }),
        )
        .unwrap_or_default();
    assert!(
        tree.as_str()
            .is_some_and(|it| it.contains("NEWLINE@18..20 \"\\r\\n\"")),
        "{tree}"
    );
    client.shutdown();
}

#[test]
fn cancellation() {
    let mut rules = String::new();
    for idx in 0..10_000 {
        rules.push_str(&format!(
            "ACCEPT\tnet:2001:db8::{idx:x}\tloc\ttcp\t{}\n",
            1000 + idx % 5000
        ));
    }
    let dir = config("cancel", &rules);
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, &rules);
    // Finding the references needs the directory's model, which takes a while to build.
    let id = client.send_request("textDocument/references", json!({
        "textDocument": { "uri": uri }, "position": pos(0, 8), "context": { "includeDeclaration": true }
    }));
    client.notify("$/cancelRequest", json!({ "id": id }));
    let answer = client.response(id);
    assert_eq!(
        answer.err().map(|it| it["code"].clone()),
        Some(json!(-32800))
    );
    // The server goes on serving.
    let hover = client
        .request("textDocument/hover", at(&uri, 0, 1))
        .unwrap_or_default();
    assert!(hover["contents"]["value"]
        .as_str()
        .is_some_and(|it| it.contains("ACCEPT")));
    client.shutdown();
}

#[test]
fn unknown_documents_and_positions_out_of_range() {
    let dir = config("robust", "ACCEPT net $FW\n");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "ACCEPT net $FW\n");
    for (method, params) in [
        ("textDocument/hover", at(&uri, 99, 99)),
        ("textDocument/hover", at(&uri, 0, 9999)),
        (
            "textDocument/completion",
            at("file:///nowhere/shorewall6/rules", 0, 0),
        ),
        ("textDocument/hover", at("untitled:Untitled-1", 0, 0)),
        ("textDocument/definition", at(&uri, 5, 0)),
    ] {
        let answer = client.request(method, params);
        assert!(answer.is_ok(), "{method}: {answer:?}");
    }
    let changed = json!({
        "textDocument": { "uri": "file:///nowhere/rules", "version": 2 },
        "contentChanges": [{ "range": { "start": pos(9, 9), "end": pos(99, 0) }, "text": "x" }]
    });
    client.notify("textDocument/didChange", changed);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": pos(7, 3), "end": pos(2, 0) }, "text": "DROP nte all" }]
        }),
    );
    client.wait_for("diagnostics of version 2", |it| {
        it["params"]["uri"] == json!(uri) && it["params"]["version"] == json!(2)
    });
    let unknown = client.request("shorewall/nothing", json!({}));
    assert_eq!(
        unknown.err().map(|it| it["code"].clone()),
        Some(json!(-32601))
    );
    assert_eq!(client.shutdown(), Some(0));
}

/// The items of a completion answer (a list or an array of items).
fn completion_items(answer: &Value) -> Vec<Value> {
    let items = answer.get("items").unwrap_or(answer);
    items.as_array().cloned().unwrap_or_default()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|it| it["label"].as_str()).collect()
}

#[test]
fn completion_and_resolve() {
    let dir = config("completion", "");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "SS\nACCEPT n\nACCEPT \n");
    // Nothing typed yet: every zone, and the list is complete.
    let answer = client
        .request("textDocument/completion", at(&uri, 2, 7))
        .unwrap_or_default();
    assert_eq!(answer["isIncomplete"], json!(false), "{answer}");
    let items = completion_items(&answer);
    assert_eq!(labels(&items)[..3], ["fw", "net", "loc"]);
    // `n` typed: only the labels an editor could show for it, and the editor is told to ask
    // again as the word changes.
    let answer = client
        .request("textDocument/completion", at(&uri, 1, 8))
        .unwrap_or_default();
    assert_eq!(answer["isIncomplete"], json!(true), "{answer}");
    let items = completion_items(&answer);
    assert_eq!(
        labels(&items),
        ["net", "any", "any+", "any-", "none"],
        "{answer}"
    );
    let answer = client
        .request("textDocument/completion", at(&uri, 0, 2))
        .unwrap_or_default();
    let items = completion_items(&answer);
    assert!(labels(&items)
        .iter()
        .all(|it| it.to_ascii_uppercase().contains('S')));
    let ssh = items
        .iter()
        .find(|it| it["label"] == json!("SSH"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(ssh["textEdit"]["newText"], json!("SSH("));
    assert_eq!(
        ssh["textEdit"]["range"],
        json!({ "start": pos(0, 0), "end": pos(0, 2) })
    );
    let resolved = client
        .request("completionItem/resolve", ssh)
        .unwrap_or_default();
    let documentation = resolved["documentation"]["value"].as_str().unwrap_or("");
    assert!(documentation.contains("secure shell"), "{resolved}");
    // Manpage texts come with resolve too, not with the list.
    let answer = client
        .request("textDocument/completion", at(&uri, 1, 2))
        .unwrap_or_default();
    let accept = completion_items(&answer)
        .into_iter()
        .find(|it| it["label"] == json!("ACCEPT"))
        .unwrap_or_default();
    assert_eq!(accept["documentation"], Value::Null);
    let resolved = client
        .request("completionItem/resolve", accept)
        .unwrap_or_default();
    let documentation = resolved["documentation"]["value"].as_str().unwrap_or("");
    assert!(documentation.contains("Allow the connection"), "{resolved}");
    client.shutdown();
}

#[test]
fn hover_definition_references_rename() {
    let dir = config("navigation", "ACCEPT\tnet\t$FW\nDROP\tnet:$ADMIN\tall\n");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "ACCEPT\tnet\t$FW\nDROP\tnet:$ADMIN\tall\n");
    let hover = client
        .request("textDocument/hover", at(&uri, 0, 8))
        .unwrap_or_default();
    expect![[r#"
        **zone net** (`ipv6`)

        Interfaces: `eth0`

        Defined in `zones` line 2"#]]
    .assert_eq(hover["contents"]["value"].as_str().unwrap_or(""));
    assert_eq!(
        hover["range"],
        json!({ "start": pos(0, 7), "end": pos(0, 10) })
    );
    let definition = client
        .request("textDocument/definition", at(&uri, 1, 11))
        .unwrap_or_default();
    assert_eq!(definition[0]["uri"], json!(dir.uri("params")));
    let references = client
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": uri }, "position": pos(0, 8), "context": { "includeDeclaration": false } }),
        )
        .unwrap_or_default();
    let files: Vec<String> = references
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|it| {
            it["uri"]
                .as_str()
                .and_then(|uri| uri.rsplit('/').next())
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        files,
        vec!["interfaces", "policy", "policy", "rules", "rules"]
    );
    let prepared = client
        .request("textDocument/prepareRename", at(&uri, 0, 8))
        .unwrap_or_default();
    assert_eq!(prepared, json!({ "start": pos(0, 7), "end": pos(0, 10) }));
    let refused = client.request("textDocument/prepareRename", at(&uri, 0, 2));
    assert!(refused.is_err());
    let edit = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri }, "position": pos(0, 8), "newName": "wan" }),
        )
        .unwrap_or_default();
    let mut changed: Vec<(String, usize)> = edit["changes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(uri, edits)| {
            let name = uri.rsplit('/').next().unwrap_or("").to_owned();
            (name, edits.as_array().map_or(0, Vec::len))
        })
        .collect();
    changed.sort();
    let expected: Vec<(String, usize)> =
        [("interfaces", 1), ("policy", 2), ("rules", 2), ("zones", 1)]
            .iter()
            .map(|(name, count)| ((*name).to_owned(), *count))
            .collect();
    assert_eq!(changed, expected);
    client.shutdown();
}

#[test]
fn symbols_folding_highlight_tokens() {
    let text = "# one\n# two\n?SECTION NEW\nSSH(ACCEPT)\tnet\t$FW\nDROP\tnet\tall\n";
    let dir = config("outline", text);
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, text);
    let document = json!({ "textDocument": { "uri": uri } });
    let symbols = client
        .request("textDocument/documentSymbol", document.clone())
        .unwrap_or_default();
    assert_eq!(symbols[0]["name"], json!("?SECTION NEW"));
    assert_eq!(symbols[0]["children"].as_array().map(Vec::len), Some(2));
    let folds = client
        .request("textDocument/foldingRange", document.clone())
        .unwrap_or_default();
    let folds: Vec<(u64, u64)> = folds
        .as_array()
        .into_iter()
        .flatten()
        .map(|it| {
            (
                it["startLine"].as_u64().unwrap_or(0),
                it["endLine"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(folds, vec![(0, 1), (2, 4)]);
    let highlights = client
        .request("textDocument/documentHighlight", at(&uri, 4, 6))
        .unwrap_or_default();
    assert_eq!(highlights.as_array().map(Vec::len), Some(2));
    let tokens = client
        .request("textDocument/semanticTokens/full", document)
        .unwrap_or_default();
    // Tokens of 5 numbers each: comment, comment, directive, macro, keyword, zone, variable, ...
    let types: Vec<u64> = tokens["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .skip(3)
        .step_by(5)
        .take(7)
        .collect();
    assert_eq!(types, vec![10, 10, 11, 2, 0, 3, 5]);
    let range = client
        .request(
            "textDocument/semanticTokens/range",
            json!({ "textDocument": { "uri": uri }, "range": { "start": pos(4, 0), "end": pos(5, 0) } }),
        )
        .unwrap_or_default();
    assert_eq!(range["data"].as_array().map(Vec::len), Some(3 * 5));
    client.shutdown();
}

/// After an edit, `semanticTokens/full/delta` answers with the tokens that changed, and
/// applying them to the last set gives the set a full request gives; an unknown result id gets
/// the whole set.
#[test]
fn semantic_tokens_delta() {
    let text = "?SECTION NEW\nACCEPT\tnet\t$FW\ttcp\t22\nDROP\tnet\tall\nSSH(ACCEPT)\tloc\t$FW\n";
    let dir = config("tokens-delta", text);
    let (mut client, init) = Client::initialized(json!({}));
    assert_eq!(
        init["capabilities"]["semanticTokensProvider"]["full"],
        json!({ "delta": true })
    );
    let uri = dir.uri("rules");
    client.open(&uri, text);
    let document = json!({ "textDocument": { "uri": uri } });
    let numbers = |it: &Value| -> Vec<u64> {
        it.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .collect()
    };
    let first = client
        .request("textDocument/semanticTokens/full", document.clone())
        .unwrap_or_default();
    let mut data = numbers(&first["data"]);
    let mut id = first["resultId"].clone();
    assert!(id.is_string(), "{first}");
    // A zone name typed wrong, then a line typed above the last.
    let edits = [
        ("?SECTION NEW\nACCEPT\tnet\t$FW\ttcp\t22\nDROP\tnetx\tall\nSSH(ACCEPT)\tloc\t$FW\n", 2),
        ("?SECTION NEW\nACCEPT\tnet\t$FW\ttcp\t22\nDROP\tnetx\tall\nREJECT\tloc\tnet\nSSH(ACCEPT)\tloc\t$FW\n", 3),
    ];
    for (new_text, version) in edits {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": new_text }]
            }),
        );
        let delta = client
            .request(
                "textDocument/semanticTokens/full/delta",
                json!({ "textDocument": { "uri": uri }, "previousResultId": id }),
            )
            .unwrap_or_default();
        let edits = delta["edits"].as_array().cloned().unwrap_or_default();
        assert_eq!(edits.len(), 1, "{delta}");
        // A few tokens, not the whole set again.
        let new_numbers = numbers(&edits[0]["data"]);
        assert!(new_numbers.len() <= 3 * 5, "{delta}");
        let start = edits[0]["start"].as_u64().unwrap_or(0) as usize;
        let end = start + edits[0]["deleteCount"].as_u64().unwrap_or(0) as usize;
        data.splice(start..end, new_numbers);
        let full = client
            .request("textDocument/semanticTokens/full", document.clone())
            .unwrap_or_default();
        assert_eq!(data, numbers(&full["data"]));
        // The full request's set is now the one kept.
        id = full["resultId"].clone();
    }
    let unknown = client
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri }, "previousResultId": "no such id" }),
        )
        .unwrap_or_default();
    assert_eq!(numbers(&unknown["data"]), data);
    assert!(unknown["resultId"].is_string());
    client.shutdown();
}

#[test]
fn code_actions() {
    let text = "SECTION NEW\nACCEPT\tnte\t$FW\n";
    let dir = config("actions", text);
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, text);
    let published = client.diagnostics(&uri);
    let diagnostics = published["diagnostics"].clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": pos(1, 8), "end": pos(1, 8) },
                "context": { "diagnostics": diagnostics }
            }),
        )
        .unwrap_or_default();
    let titles: Vec<(&str, &str)> = actions
        .as_array()
        .into_iter()
        .flatten()
        .map(|it| {
            (
                it["title"].as_str().unwrap_or(""),
                it["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        titles,
        vec![
            ("Change to 'net'", "quickfix"),
            (
                "Upgrade this file to Shorewall 5 spellings",
                "source.upgrade.shorewall"
            )
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["diagnostics"][0]["code"], json!("unknown-zone"));
    assert_eq!(
        fix["edit"]["changes"][&uri],
        json!([{ "range": { "start": pos(1, 7), "end": pos(1, 10) }, "newText": "net" }])
    );
    let only_quickfixes = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": pos(0, 0), "end": pos(0, 0) },
                "context": { "diagnostics": [], "only": ["quickfix"] }
            }),
        )
        .unwrap_or_default();
    let kinds: Vec<&str> = only_quickfixes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|it| it["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["quickfix"]);
    client.shutdown();
}

#[test]
fn formatting_with_settings() {
    let text = "ACCEPT net $FW tcp 22\nSSH(ACCEPT) loc $FW\n";
    let dir = config("format", text);
    let mut client = Client::start();
    client.settings = json!({ "format": { "useTabs": true } });
    client
        .request(
            "initialize",
            json!({
                "capabilities": { "workspace": { "configuration": true } },
                "initializationOptions": { "format": { "align": true } }
            }),
        )
        .unwrap_or_default();
    client.notify("initialized", json!({}));
    client.wait_for_server_request("workspace/configuration");
    let uri = dir.uri("rules");
    client.open(&uri, text);
    let options = json!({ "tabSize": 4, "insertSpaces": true });
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": options }),
        )
        .unwrap_or_default();
    // `workspace/configuration` asked for tabs.
    assert_eq!(edits[0]["newText"], json!("ACCEPT\t\tnet\t$FW\ttcp\t22\n"));
    let edits = client
        .request(
            "textDocument/rangeFormatting",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": pos(1, 0), "end": pos(1, 3) },
                "options": options
            }),
        )
        .unwrap_or_default();
    assert_eq!(edits.as_array().map(Vec::len), Some(1));
    assert_eq!(edits[0]["range"]["start"], pos(1, 0));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "shorewall": { "format": { "align": false } } } }),
    );
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": options }),
        )
        .unwrap_or_default();
    assert_eq!(edits, json!([]));
    client.shutdown();
}

#[test]
fn preview_is_the_annotated_compilation() {
    let rules = "SSH(ACCEPT)\tnet\t$FW\nACCEPT\tloc\tnet\ttcp\t80\n";
    let dir = config("preview", rules);
    dir.write("shorewall6.conf", "");
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, rules);
    let preview = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "shorewall.preview", "arguments": [uri] }),
        )
        .unwrap_or_default();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_shorewall-ls"))
        .args(["compile", "--annotate"])
        .arg(&dir.dir)
        .output()
        .expect("compile runs");
    assert_eq!(preview.as_str(), std::str::from_utf8(&output.stdout).ok());
    assert!(preview
        .as_str()
        .is_some_and(|it| it.contains("# rules:1\n")));
    // An error in the open document: no ruleset, and the answer says why.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": pos(0, 12), "end": pos(0, 15) }, "text": "nte" }]
        }),
    );
    let failed = client.request(
        "workspace/executeCommand",
        json!({ "command": "shorewall.preview", "arguments": [uri] }),
    );
    let message = failed
        .err()
        .map(|it| it["message"].as_str().unwrap_or("").to_owned());
    assert!(
        message
            .as_deref()
            .is_some_and(|it| it.contains("rules:1:13: error: Unknown source zone (nte)")),
        "{message:?}"
    );
    client.shutdown();
}

#[test]
fn a_slow_request_does_not_delay_a_keystrokes_diagnostics() {
    let mut rules = String::new();
    for idx in 0..10_000 {
        rules.push_str(&format!(
            "ACCEPT\tnet:2001:db8::{idx:x}\tloc\ttcp\t{}\n",
            1000 + idx % 5000
        ));
    }
    let dir = config("slow", &rules);
    let (mut client, _) = Client::initialized(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, &rules);
    client.diagnostics(&uri);
    let keystroke = |client: &mut Client, version: i32, text: &str| {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": pos(5000, 7), "end": pos(5000, 7) }, "text": text }]
            }),
        );
    };
    keystroke(&mut client, 2, "x");
    // The references of a zone need the model of the whole directory at version 2, which takes
    // a while to build; the next keystroke's diagnostics check one line.
    let slow = client.send_request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri }, "position": pos(0, 8), "context": { "includeDeclaration": true } }),
    );
    keystroke(&mut client, 3, "y");
    let first = client.wait_for("version 3's diagnostics or the references", |it| {
        it["id"] == json!(slow)
            || (it["method"] == json!("textDocument/publishDiagnostics")
                && it["params"]["version"] == json!(3))
    });
    assert_eq!(first["params"]["version"], json!(3), "{first}");
    assert_eq!(
        summary(&first["params"]),
        vec![(5000, 7, 12, "unknown-zone".to_owned())]
    );
    let references = client.response(slow).unwrap_or_default();
    assert!(references.as_array().is_some_and(|it| it.len() > 1000));
    client.shutdown();
}

#[test]
fn a_panic_in_a_handler_is_logged_answered_and_survived() {
    let dir = config("panic", "ACCEPT\tnet\t$FW\n");
    // The test hook makes every hover panic.
    let mut client = Client::start_with_env("SHOREWALL_LS_TEST_PANIC", "hover");
    client.initialize(json!({}));
    let uri = dir.uri("rules");
    client.open(&uri, "ACCEPT\tnet\t$FW\n");
    client.diagnostics(&uri);
    let error = client
        .request("textDocument/hover", at(&uri, 0, 8))
        .err()
        .unwrap_or_default();
    assert_eq!(error["code"], json!(-32603));
    assert_eq!(
        error["message"],
        json!("hover failed: SHOREWALL_LS_TEST_PANIC")
    );
    let logged = client.wait_for("the panic logged", |it| {
        it["method"] == json!("window/logMessage")
    });
    assert_eq!(logged["params"]["type"], json!(1));
    // The server goes on: other requests, and diagnostics of later changes.
    let answer = client
        .request("textDocument/completion", at(&uri, 0, 8))
        .unwrap_or_default();
    assert!(!completion_items(&answer).is_empty());
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": pos(0, 7), "end": pos(0, 10) }, "text": "nte" }]
        }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], json!(2));
    assert_eq!(
        summary(&published),
        vec![(0, 7, 10, "unknown-zone".to_owned())]
    );
    assert_eq!(client.shutdown(), Some(0));
}
