#!/usr/bin/env python3
"""TEST DOUBLE, not the real server: a stand-in for `shorewall-ls lsp` so that the editor
end-to-end harness can be checked before the real server exists (derived from the e2e probe's
fake_lsp.py). Python standard library only; stdio JSON-RPC.

It follows the real server's contract in the few ways the harness looks at, on the fixture only:
  * incremental text sync; on open/change, for `rules` files: one diagnostic per SOURCE/DEST zone
    that the directory's `zones` file does not define, code `unknown-zone`;
  * completion: the zones of the `zones` file plus $FW, all, any (wherever the cursor is);
  * hover: "FAKE hover: `WORD`" (no manpage text: the harness's hover check is real-only);
  * formatting: runs of blanks become one TAB, trailing blanks go (the real one aligns);
  * workspace/executeCommand `shorewall.preview` -> an ip6tables-restore-like text with one `-A`
    line per rule, and `shorewall.syntaxTree` -> one line per source line.
Set FAKE_SHOREWALL_LS_LOG=/path to append one JSON line per event (argv, initializationOptions,
configuration) for the harness to check how the editor started it.
"""
import json
import os
import re
import sys
from urllib.parse import unquote, urlparse

LOG = os.environ.get("FAKE_SHOREWALL_LS_LOG")
SPECIAL_ZONES = {"$FW", "${FW}", "all", "all+", "all-", "any", "any+", "any-", "none", "-"}
docs = {}


def log(event, **data):
    if LOG:
        with open(LOG, "a") as f:
            f.write(json.dumps({"event": event, **data}) + "\n")


def read_msg(stream):
    headers = {}
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.decode("ascii").strip()
        if not line:
            break
        key, value = line.split(":", 1)
        headers[key.strip().lower()] = value.strip()
    body = stream.read(int(headers["content-length"]))
    return json.loads(body.decode("utf-8"))


def send(obj):
    body = json.dumps(obj).encode("utf-8")
    out = sys.stdout.buffer
    out.write(b"Content-Length: %d\r\n\r\n" % len(body))
    out.write(body)
    out.flush()


def path_of(uri):
    return unquote(urlparse(uri).path)


def text_of(path):
    """The open document's text, else the file on disk (open documents win, as in the server)."""
    for uri, text in docs.items():
        if path_of(uri) == path:
            return text
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def zones_of(directory):
    zones = []
    for line in text_of(os.path.join(directory, "zones")).split("\n"):
        line = line.split("#", 1)[0].split()
        if line and not line[0].startswith("?"):
            zones.append(line[0].split(":", 1)[0])
    return zones


def records(text):
    """(line number, columns) of each rule line: not blank, comment or directive."""
    for number, line in enumerate(text.split("\n")):
        columns = line.split("#", 1)[0].split()
        if columns and not columns[0].startswith("?"):
            yield number, line, columns


def diagnostics(uri):
    path = path_of(uri)
    if os.path.basename(path) != "rules":
        return []
    known = set(zones_of(os.path.dirname(path))) | SPECIAL_ZONES
    found = []
    for number, line, columns in records(docs.get(uri, "")):
        for column in columns[1:3]:
            zone = column.split(":", 1)[0]
            if zone in known or zone.startswith("$"):
                continue
            start = line.find(column)
            found.append({
                "range": {"start": {"line": number, "character": start},
                          "end": {"line": number, "character": start + len(zone)}},
                "severity": 1,
                "source": "shorewall-ls (fake)",
                "code": "unknown-zone",
                "message": "unknown zone `%s`" % zone,
            })
    return found


def publish(uri, version=None):
    params = {"uri": uri, "diagnostics": diagnostics(uri)}
    if version is not None:
        params["version"] = version
    send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})


def offset(text, position):
    lines = text.split("\n")
    line = min(position["line"], len(lines))
    return sum(len(l) + 1 for l in lines[:line]) + position["character"]


def apply_change(text, change):
    if "range" not in change:
        return change["text"]
    start = offset(text, change["range"]["start"])
    end = offset(text, change["range"]["end"])
    return text[:start] + change["text"] + text[end:]


def word_at(uri, line, char):
    lines = docs.get(uri, "").split("\n")
    if line >= len(lines):
        return ""
    for match in re.finditer(r"\S+", lines[line]):
        if match.start() <= char <= match.end():
            return match.group(0)
    return ""


def formatted(text):
    return "\n".join(re.sub(r"[ \t]+", "\t", re.sub(r"[ \t]+$", "", line)) for line in text.split("\n"))


def preview(uri):
    directory = os.path.dirname(path_of(uri))
    out = ["# FAKE preview of %s (test double, not Shorewall's output)" % directory, "*filter",
           ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]"]
    for number, line, columns in records(text_of(os.path.join(directory, "rules"))):
        out.append("-A INPUT -m comment --comment \"rules:%d %s\" -j ACCEPT" % (number + 1, " ".join(columns)))
    out.append("COMMIT")
    return "\n".join(out) + "\n"


def syntax_tree(uri):
    lines = docs.get(uri, text_of(path_of(uri))).split("\n")
    return "FAKE_SOURCE_FILE\n" + "".join("  LINE %d %r\n" % (n, l) for n, l in enumerate(lines))


def handle(msg):
    method = msg.get("method")
    mid = msg.get("id")
    params = msg.get("params") or {}
    if method is None:
        log("response", id=mid, result=msg.get("result"))
        return
    reply = lambda result: send({"jsonrpc": "2.0", "id": mid, "result": result})
    if method == "initialize":
        log("initialize", argv=sys.argv[1:], initializationOptions=params.get("initializationOptions"))
        reply({
            "capabilities": {
                "textDocumentSync": {"openClose": True, "change": 2, "save": True},
                "hoverProvider": True,
                "completionProvider": {"triggerCharacters": [":", "$"]},
                "documentFormattingProvider": True,
                "executeCommandProvider": {"commands": ["shorewall.preview", "shorewall.syntaxTree"]},
            },
            "serverInfo": {"name": "shorewall-ls (fake test double)", "version": "0"},
        })
    elif method == "initialized":
        # Ask for the settings the way a pull-model server does.
        send({"jsonrpc": "2.0", "id": "config-1", "method": "workspace/configuration",
              "params": {"items": [{"section": "shorewall"}]}})
    elif method == "shutdown":
        reply(None)
    elif method == "exit":
        sys.exit(0)
    elif method == "textDocument/didOpen":
        document = params["textDocument"]
        docs[document["uri"]] = document["text"]
        publish(document["uri"], document.get("version"))
    elif method == "textDocument/didChange":
        uri = params["textDocument"]["uri"]
        for change in params["contentChanges"]:
            docs[uri] = apply_change(docs.get(uri, ""), change)
        publish(uri, params["textDocument"].get("version"))
        # A change to zones re-checks the other open files of its directory.
        if os.path.basename(path_of(uri)) == "zones":
            for other in list(docs):
                if other != uri and os.path.dirname(path_of(other)) == os.path.dirname(path_of(uri)):
                    publish(other)
    elif method == "textDocument/didClose":
        uri = params["textDocument"]["uri"]
        docs.pop(uri, None)
        send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
              "params": {"uri": uri, "diagnostics": []}})
    elif method == "textDocument/hover":
        p = params["position"]
        word = word_at(params["textDocument"]["uri"], p["line"], p["character"])
        reply({"contents": {"kind": "markdown", "value": "FAKE hover: `%s`" % word}})
    elif method == "textDocument/completion":
        directory = os.path.dirname(path_of(params["textDocument"]["uri"]))
        labels = zones_of(directory) + ["$FW", "all", "any"]
        reply({"isIncomplete": False,
               "items": [{"label": label, "kind": 20, "detail": "zone (fake)"} for label in labels]})
    elif method == "textDocument/formatting":
        uri = params["textDocument"]["uri"]
        text = docs.get(uri, "")
        new = formatted(text)
        edits = []
        if new != text:
            lines = text.split("\n")
            edits = [{"range": {"start": {"line": 0, "character": 0},
                                "end": {"line": len(lines) - 1, "character": len(lines[-1])}},
                      "newText": new}]
        reply(edits)
    elif method == "workspace/executeCommand":
        arguments = params.get("arguments") or []
        log("executeCommand", command=params.get("command"), arguments=arguments)
        if params.get("command") == "shorewall.preview" and arguments:
            reply(preview(arguments[0]))
        elif params.get("command") == "shorewall.syntaxTree" and arguments:
            reply(syntax_tree(arguments[0]))
        else:
            send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32602, "message": "bad command"}})
    elif method == "workspace/didChangeConfiguration":
        log("didChangeConfiguration", settings=params.get("settings"))
    elif mid is not None:
        send({"jsonrpc": "2.0", "id": mid,
              "error": {"code": -32601, "message": "method not found: %s" % method}})


def main():
    while True:
        msg = read_msg(sys.stdin.buffer)
        if msg is None:
            break
        handle(msg)


if __name__ == "__main__":
    main()
