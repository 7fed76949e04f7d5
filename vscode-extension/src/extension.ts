// The Shorewall extension: starts the shorewall-ls language server for Shorewall files and adds
// the preview, syntax tree and restart commands.

import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { isExecutableFile, resolveServerCommand, SERVER_BINARY } from './serverCommand';
import { previewKind, ServerDocumentProvider, syntaxTreeKind } from './serverDocuments';
import { InspectedValue, serverSettings, ServerSettings } from './serverSettings';

const LANGUAGE_ID = 'shorewall';
let client: LanguageClient | undefined;
/** Settles when the latest start of the server is over, started or failed. */
let starting: Promise<void> = Promise.resolve();
let output: vscode.OutputChannel;

function currentSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('shorewall');
  return serverSettings(<T>(key: string) => config.inspect<T>(key) as InspectedValue<T> | undefined);
}

/** The bundled binary may lose its executable bit on the way through the .vsix. */
function makeBundledExecutable(bundled: string): void {
  if (process.platform !== 'win32' && fs.existsSync(bundled) && !isExecutableFile(bundled)) {
    try {
      fs.chmodSync(bundled, 0o755);
    } catch (error) {
      output.appendLine(`could not make ${bundled} executable: ${error}`);
    }
  }
}

function createClient(context: vscode.ExtensionContext): LanguageClient | undefined {
  const config = vscode.workspace.getConfiguration('shorewall');
  const bundledDir = context.asAbsolutePath('server');
  makeBundledExecutable(vscode.Uri.joinPath(context.extensionUri, 'server', SERVER_BINARY).fsPath);
  const resolved = resolveServerCommand({
    configuredPath: config.get<string>('server.path') ?? '',
    extraArgs: config.get<string[]>('server.extraArgs') ?? [],
    envPath: process.env.PATH,
    bundledDir,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if (resolved.kind === 'missing') {
    output.appendLine(resolved.message);
    void vscode.window.showErrorMessage(resolved.message, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'shorewall.server.path');
      }
    });
    return undefined;
  }
  output.appendLine(`starting ${resolved.command} ${resolved.args.join(' ')} (from ${resolved.source})`);

  const serverOptions: ServerOptions = {
    command: resolved.command,
    args: resolved.args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    outputChannel: output,
    initializationOptions: currentSettings(),
    middleware: {
      workspace: {
        // Answer the `shorewall` section with the values the user set, not VS Code's defaults.
        configuration: (params, token, next) => {
          const asked = params.items.map((item) => item.section);
          if (!asked.every((section) => section === 'shorewall')) {
            return next(params, token);
          }
          return asked.map(() => currentSettings());
        },
      },
    },
  };
  return new LanguageClient('shorewall', 'Shorewall', serverOptions, clientOptions);
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  const created = client;
  if (created === undefined) {
    return;
  }
  starting = created.start().catch((error) => {
    output.appendLine(`the language server did not start: ${error}`);
    void vscode.window.showErrorMessage(`Shorewall: the language server did not start: ${error}`);
  });
  await starting;
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`stopping the language server failed: ${error}`);
    }
  }
}

/** Runs a server command; throws when the server is not running or answers with an error. */
async function runServerCommand(command: string, args: unknown[]): Promise<unknown> {
  await starting;
  if (client === undefined || !client.isRunning()) {
    throw new Error('the shorewall-ls language server is not running (see the Shorewall output channel)');
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

/** The Shorewall document a command applies to: the active editor's, or the one a preview shows. */
function activeShorewallDocument(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined) {
    return undefined;
  }
  if (document.languageId === LANGUAGE_ID) {
    return document.uri;
  }
  if (document.uri.scheme === previewKind.scheme || document.uri.scheme === syntaxTreeKind.scheme) {
    return vscode.Uri.parse(document.uri.query, true);
  }
  return undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Shorewall');
  context.subscriptions.push(output);

  const preview = new ServerDocumentProvider(previewKind, runServerCommand);
  const syntaxTree = new ServerDocumentProvider(syntaxTreeKind, runServerCommand);
  context.subscriptions.push(preview, syntaxTree);

  // Command ids differ from the server's `shorewall.preview`/`shorewall.syntaxTree`: the language
  // client registers a VS Code command for every command the server advertises, and two
  // registrations of one id fail.
  const showWith = (provider: ServerDocumentProvider) => async (uri?: vscode.Uri) => {
    const source = uri instanceof vscode.Uri ? uri : activeShorewallDocument();
    if (source === undefined) {
      void vscode.window.showWarningMessage('Shorewall: open a Shorewall configuration file first.');
      return;
    }
    await provider.show(source);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('shorewall.openPreview', showWith(preview)),
    vscode.commands.registerCommand('shorewall.openSyntaxTree', showWith(syntaxTree)),
    vscode.commands.registerCommand('shorewall.restartServer', async () => {
      await stopClient();
      await startClient(context);
      preview.refreshAll();
      syntaxTree.refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('shorewall.server')) {
        await vscode.commands.executeCommand('shorewall.restartServer');
      } else if (event.affectsConfiguration('shorewall.format') && client?.isRunning()) {
        await client.sendNotification('workspace/didChangeConfiguration', {
          settings: { shorewall: currentSettings() },
        });
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
