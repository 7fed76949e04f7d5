// Read-only documents whose text comes from a server command: the ip6tables preview of a
// configuration directory and the syntax tree of a file. Each kind has its own URI scheme; the
// URI's query holds the Shorewall document the command is asked about. The documents refresh
// when a Shorewall file they depend on changes in an editor, is saved, or changes on disk.

import * as path from 'path';
import * as vscode from 'vscode';

/** Runs `workspace/executeCommand` on the server; undefined when no server is running. */
export type RunServerCommand = (command: string, args: unknown[]) => Promise<unknown>;

export interface ServerDocumentKind {
  /** URI scheme of the virtual documents. */
  scheme: string;
  /** The server's `workspace/executeCommand` command. */
  serverCommand: string;
  /** Language id given to the opened document. */
  languageId: string;
  /** What the text is, for the error text shown in the document. */
  what: string;
  /** The virtual document for a Shorewall document. */
  uriFor(source: vscode.Uri): vscode.Uri;
  /** Whether a change to `changed` may change the text shown for `source`. */
  dependsOn(source: vscode.Uri, changed: vscode.Uri): boolean;
}

const sameDirectory = (a: vscode.Uri, b: vscode.Uri): boolean =>
  a.scheme === b.scheme && path.posix.dirname(a.path) === path.posix.dirname(b.path);

/** The compiled ruleset of the document's configuration directory: one document per directory. */
export const previewKind: ServerDocumentKind = {
  scheme: 'shorewall-preview',
  serverCommand: 'shorewall.preview',
  languageId: 'shorewall-ip6tables',
  what: 'the generated ip6tables rules',
  uriFor(source) {
    const dir = path.posix.dirname(source.path);
    return vscode.Uri.from({
      scheme: this.scheme,
      path: path.posix.join(dir, `ip6tables (${path.posix.basename(dir)})`),
      query: source.toString(),
    });
  },
  dependsOn: sameDirectory,
};

/** The syntax tree of one document. */
export const syntaxTreeKind: ServerDocumentKind = {
  scheme: 'shorewall-syntax-tree',
  serverCommand: 'shorewall.syntaxTree',
  languageId: 'plaintext',
  what: 'the syntax tree',
  uriFor(source) {
    return vscode.Uri.from({
      scheme: this.scheme,
      path: `${source.path} (syntax tree)`,
      query: source.toString(),
    });
  },
  dependsOn: (source, changed) => source.toString() === changed.toString(),
};

/** The text a server answer becomes: a string, or an object with a `text` field. */
export function answerText(answer: unknown): string | undefined {
  if (typeof answer === 'string') {
    return answer;
  }
  if (answer !== null && typeof answer === 'object' && typeof (answer as { text?: unknown }).text === 'string') {
    return (answer as { text: string }).text;
  }
  return undefined;
}

export class ServerDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Open virtual documents, by URI string. */
  private readonly open = new Map<string, vscode.Uri>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly watchers = new Map<string, vscode.FileSystemWatcher>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly kind: ServerDocumentKind,
    private readonly run: RunServerCommand,
    private readonly debounceMs = 250,
  ) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(kind.scheme, this),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'shorewall' && event.contentChanges.length > 0) {
          this.sourceChanged(event.document.uri);
        }
      }),
      vscode.workspace.onDidSaveTextDocument((document) => this.sourceChanged(document.uri)),
      vscode.workspace.onDidCloseTextDocument((document) => this.closed(document.uri)),
      // Setting a document's language closes and reopens it: track it again when it reopens.
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document.uri.scheme === kind.scheme) {
          this.track(document.uri, vscode.Uri.parse(document.uri.query, true));
        }
      }),
    );
  }

  /** Opens (or reveals) the virtual document for `source` beside the active editor. */
  async show(source: vscode.Uri): Promise<void> {
    let uri = this.kind.uriFor(source);
    // A preview is of a whole directory: reuse the one already open for it.
    const same = [...this.open.values()].find((open) => open.path === uri.path);
    uri = same ?? uri;
    this.track(uri, source);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== this.kind.languageId) {
      document = await vscode.languages.setTextDocumentLanguage(document, this.kind.languageId);
    }
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
      preview: false,
    });
  }

  /** Asks for new text for every open document, e.g. after the server restarted. */
  refreshAll(): void {
    for (const uri of this.open.values()) {
      this.changed.fire(uri);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = vscode.Uri.parse(uri.query, true);
    this.track(uri, source);
    try {
      const answer = await this.run(this.kind.serverCommand, [source.toString()]);
      if (token.isCancellationRequested) {
        return '';
      }
      const text = answerText(answer);
      if (text === undefined) {
        return `# shorewall-ls gave no text for ${this.kind.what} of ${source.fsPath}\n`;
      }
      return text;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return (
        `# shorewall-ls could not produce ${this.kind.what} of ${source.fsPath}:\n` +
        message
          .split('\n')
          .map((line) => `# ${line}`)
          .join('\n') +
        '\n# This document refreshes when the configuration changes.\n'
      );
    }
  }

  private track(uri: vscode.Uri, source: vscode.Uri): void {
    this.open.set(uri.toString(), uri);
    // Files changed outside the editor (e.g. `git checkout`) refresh the document too.
    const dir = vscode.Uri.joinPath(source, '..');
    if (source.scheme === 'file' && !this.watchers.has(dir.toString())) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, '*'));
      const onDisk = (changed: vscode.Uri) => this.sourceChanged(changed);
      watcher.onDidChange(onDisk);
      watcher.onDidCreate(onDisk);
      watcher.onDidDelete(onDisk);
      this.watchers.set(dir.toString(), watcher);
    }
  }

  private closed(uri: vscode.Uri): void {
    if (uri.scheme !== this.kind.scheme) {
      return;
    }
    this.open.delete(uri.toString());
    const timer = this.pending.get(uri.toString());
    if (timer !== undefined) {
      clearTimeout(timer);
      this.pending.delete(uri.toString());
    }
    const stillWatched = new Set(
      [...this.open.values()].map((open) => vscode.Uri.joinPath(vscode.Uri.parse(open.query, true), '..').toString()),
    );
    for (const [dir, watcher] of this.watchers) {
      if (!stillWatched.has(dir)) {
        watcher.dispose();
        this.watchers.delete(dir);
      }
    }
  }

  private sourceChanged(changed: vscode.Uri): void {
    for (const [key, uri] of this.open) {
      const source = vscode.Uri.parse(uri.query, true);
      if (!this.kind.dependsOn(source, changed)) {
        continue;
      }
      const earlier = this.pending.get(key);
      if (earlier !== undefined) {
        clearTimeout(earlier);
      }
      // Typing fires a change per keystroke; ask the server once the burst is over.
      this.pending.set(
        key,
        setTimeout(() => {
          this.pending.delete(key);
          this.changed.fire(uri);
        }, this.debounceMs),
      );
    }
  }

  dispose(): void {
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    for (const watcher of this.watchers.values()) {
      watcher.dispose();
    }
    this.disposables.forEach((disposable) => disposable.dispose());
    this.changed.dispose();
  }
}
