//! The language server under load and abuse, over the real binary's stdin and stdout: a
//! thousand edits as fast as they can be written, malformed frames, unknown methods,
//! positions inside a UTF-16 surrogate pair. After each, the server must still answer the
//! next request.

mod bounded;

use std::time::Duration;

use bounded::{uri, write_small_config, Lsp, Scratch};
use serde_json::{json, Value};

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

/// A request the server must still answer: the document symbols of `uri`.
#[track_caller]
fn still_serving(lsp: &mut Lsp, uri: &str) {
    let answer = lsp.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(answer.get("result").is_some(), "{answer}");
}

/// A configuration with an open rules file.
fn open_rules(name: &str, text: &str) -> (Scratch, Lsp, String) {
    let scratch = Scratch::new(name);
    write_small_config(&scratch, "shorewall6");
    scratch.write("shorewall6/rules", text);
    let mut lsp = Lsp::start(&scratch.path);
    let uri = uri(&scratch.join("shorewall6/rules"));
    lsp.open(&uri, text);
    let _ = lsp.diagnostics(&uri);
    (scratch, lsp, uri)
}

#[test]
fn a_thousand_edits_as_fast_as_possible() {
    let (scratch, mut lsp, uri) = open_rules("thousand-edits", "ACCEPT\tnet\t$FW\ttcp\t22\n");
    let mut text = String::new();
    for version in 2..=1001 {
        // Every edit replaces the first line; odd versions name a zone that does not exist.
        let zone = if version % 2 == 1 {
            format!("z{version}")
        } else {
            "net".to_owned()
        };
        let line = format!("ACCEPT\t{zone}\t$FW\ttcp\t{version}\n");
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": position(0, 0), "end": position(1, 0) }, "text": line }]
            }),
        );
        text = line;
    }
    let last = lsp.wait_for("the diagnostics of version 1001", |it| {
        it["method"] == "textDocument/publishDiagnostics"
            && it["params"]["uri"] == uri
            && it["params"]["version"] == 1001
    });
    // Whatever was published, in arrival order: versions only go forward, and nothing comes
    // after the last one.
    let later = lsp.drain(Duration::from_secs(1));
    let versions: Vec<i64> = later
        .iter()
        .filter(|it| it["method"] == "textDocument/publishDiagnostics")
        .filter_map(|it| it["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|it| it[0] < it[1]), "{versions:?}");
    assert!(versions.iter().all(|it| *it < 1001), "{versions:?}");
    lsp.shutdown();

    // The last diagnostics are those of the final text, opened afresh.
    let mut fresh = Lsp::start(&scratch.path);
    fresh.open(&uri, &text);
    let expected = fresh.diagnostics(&uri);
    fresh.shutdown();
    assert_eq!(last["params"]["diagnostics"], expected["diagnostics"]);
    assert!(
        last["params"]["diagnostics"].to_string().contains("z1001"),
        "{last}"
    );
}

#[test]
fn malformed_frames_are_dropped_and_the_server_keeps_serving() {
    let (_scratch, mut lsp, uri) = open_rules("malformed", "ACCEPT\tnet\t$FW\ttcp\t22\n");
    let cases: [&[u8]; 7] = [
        // A misspelt header, a length that is not a number, no header at all.
        b"Content-Lenght: 2\r\n\r\n{}",
        b"Content-Length: two\r\n\r\n{}",
        b"{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"shutdown\"}\r\n\r\n",
        // Not JSON, JSON that is not JSON-RPC, invalid UTF-8.
        b"Content-Length: 9\r\n\r\n{not json",
        b"Content-Length: 2\r\n\r\n[]",
        b"Content-Length: 4\r\n\r\n\"\xff\xfe\"",
        // A body shorter than its length: the next frame starts inside it.
        b"Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\",",
    ];
    for case in cases {
        lsp.send_raw(case);
        still_serving(&mut lsp, &uri);
    }
    let warnings = lsp
        .drain(Duration::from_millis(200))
        .into_iter()
        .filter(|it| {
            it["method"] == "window/logMessage"
                && it["params"]["message"]
                    .as_str()
                    .is_some_and(|it| it.contains("dropped a malformed message"))
        })
        .map(|it| it["params"]["message"].clone())
        .collect::<Vec<_>>();
    // One warning per case, two when the bytes of a broken frame arrive apart.
    assert!(
        (cases.len()..=2 * cases.len()).contains(&warnings.len()),
        "{warnings:#?}"
    );
    lsp.shutdown();
}

#[test]
fn unknown_methods_get_an_error_and_the_server_keeps_serving() {
    let (_scratch, mut lsp, uri) = open_rules("unknown-methods", "ACCEPT\tnet\t$FW\ttcp\t22\n");
    for method in [
        "no/such/method",
        "textDocument/unheardOf",
        "$/cancelRequest",
    ] {
        let answer = lsp.request(method, json!({}));
        let code = answer["error"]["code"].as_i64();
        assert!(code.is_some(), "{method}: {answer}");
        still_serving(&mut lsp, &uri);
    }
    // A notification nobody knows is ignored; so are params of the wrong shape for one we do.
    lsp.notify("no/such/notification", json!({ "x": 1 }));
    lsp.notify("textDocument/didChange", json!({ "textDocument": 5 }));
    still_serving(&mut lsp, &uri);
    let answer = lsp.request("textDocument/hover", json!({ "position": "here" }));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    still_serving(&mut lsp, &uri);
    lsp.shutdown();
}

#[test]
fn positions_inside_a_surrogate_pair() {
    // "😀" is two UTF-16 code units at columns 24 and 25 of the first line.
    let text = "ACCEPT\tnet\t$FW\ttcp\t22\t# 😀 x\n";
    let (_scratch, mut lsp, uri) = open_rules("surrogates", text);
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        let answer = lsp.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": position(0, 25) }),
        );
        assert!(answer.get("result").is_some(), "{method}: {answer}");
    }
    // An insertion between the two halves lands before the character; a deletion of one half
    // takes the whole character: the text stays valid.
    for (version, start, end, insert) in [(2, 25, 25, "X"), (3, 26, 27, "")] {
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": position(0, start), "end": position(0, end) }, "text": insert }]
            }),
        );
    }
    let tree = lsp.request(
        "workspace/executeCommand",
        json!({ "command": "shorewall.syntaxTree", "arguments": [uri] }),
    );
    let tree = tree["result"].as_str().unwrap_or_default().to_owned();
    assert!(tree.contains("# X x"), "{tree}");
    still_serving(&mut lsp, &uri);
    lsp.shutdown();
}
