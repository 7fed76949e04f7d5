// Where the language server binary is found and how it is started.
// Kept free of the `vscode` module so that it can be unit-tested with plain Node.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The binary's name on PATH and in the extension's `server/` folder. */
export const SERVER_BINARY = process.platform === 'win32' ? 'shorewall-ls.exe' : 'shorewall-ls';

export interface ServerLookup {
  /** `shorewall.server.path`, as the user wrote it (may be empty). */
  configuredPath: string;
  /** `shorewall.server.extraArgs`. */
  extraArgs: readonly string[];
  /** The `PATH` environment variable of the extension host. */
  envPath: string | undefined;
  /** Absolute path of the extension's `server/` folder. */
  bundledDir: string;
  /** The first workspace folder, to resolve a relative configured path and `${workspaceFolder}`. */
  workspaceFolder: string | undefined;
  /** Tells whether a file exists and may be run; replaced in tests. */
  isExecutable?: (file: string) => boolean;
}

export type ServerCommand =
  | { kind: 'found'; command: string; args: string[]; source: 'setting' | 'path' | 'bundled' }
  | { kind: 'missing'; message: string };

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.R_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands `~` and `${workspaceFolder}`, and makes a relative path absolute against the workspace. */
export function expandConfiguredPath(configured: string, workspaceFolder: string | undefined): string {
  let result = configured.trim();
  if (result === '~' || result.startsWith('~/')) {
    result = path.join(os.homedir(), result.slice(1));
  }
  if (workspaceFolder !== undefined) {
    result = result.split('${workspaceFolder}').join(workspaceFolder);
  }
  const isBareName = !result.includes('/') && !result.includes(path.sep);
  if (!path.isAbsolute(result) && !isBareName && workspaceFolder !== undefined) {
    result = path.join(workspaceFolder, result);
  }
  return result;
}

/** The first executable `name` in the directories of `envPath`. */
export function findOnPath(
  name: string,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean,
): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * The command that starts the server: the configured path, else `shorewall-ls` on PATH, else the
 * binary bundled in the extension. The server always gets `lsp` first, then the extra arguments.
 */
export function resolveServerCommand(lookup: ServerLookup): ServerCommand {
  const isExecutable = lookup.isExecutable ?? isExecutableFile;
  const args = ['lsp', ...lookup.extraArgs];
  const configured = lookup.configuredPath.trim();
  if (configured !== '') {
    const expanded = expandConfiguredPath(configured, lookup.workspaceFolder);
    const isBareName = !expanded.includes('/') && !expanded.includes(path.sep);
    const command = isBareName ? findOnPath(expanded, lookup.envPath, isExecutable) : expanded;
    if (command === undefined || !isExecutable(command)) {
      return {
        kind: 'missing',
        message: `shorewall.server.path is set to "${configured}", but no executable file is there.`,
      };
    }
    return { kind: 'found', command, args, source: 'setting' };
  }
  const onPath = findOnPath(SERVER_BINARY, lookup.envPath, isExecutable);
  if (onPath !== undefined) {
    return { kind: 'found', command: onPath, args, source: 'path' };
  }
  const bundled = path.join(lookup.bundledDir, SERVER_BINARY);
  if (isExecutable(bundled)) {
    return { kind: 'found', command: bundled, args, source: 'bundled' };
  }
  return {
    kind: 'missing',
    message:
      'The shorewall-ls language server was not found: it is not on PATH and this build of the ' +
      'extension bundles no binary. Install shorewall-ls or set shorewall.server.path.',
  };
}
