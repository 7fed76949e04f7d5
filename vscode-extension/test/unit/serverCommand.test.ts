// How the extension finds the server: setting, then PATH, then the bundled binary.

import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { expandConfiguredPath, resolveServerCommand, SERVER_BINARY } from '../../src/serverCommand';

const lookup = (overrides: Partial<Parameters<typeof resolveServerCommand>[0]>, executables: string[]) =>
  resolveServerCommand({
    configuredPath: '',
    extraArgs: [],
    envPath: ['/usr/local/bin', '/usr/bin'].join(path.delimiter),
    bundledDir: '/ext/server',
    workspaceFolder: '/ws',
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  });

test('the configured path wins over PATH and the bundled binary', () => {
  const found = lookup({ configuredPath: '/opt/sw/bin/shorewall-ls', extraArgs: ['--log', 'debug'] }, [
    '/opt/sw/bin/shorewall-ls',
    `/usr/bin/${SERVER_BINARY}`,
    `/ext/server/${SERVER_BINARY}`,
  ]);
  assert.deepEqual(found, {
    kind: 'found',
    command: '/opt/sw/bin/shorewall-ls',
    args: ['lsp', '--log', 'debug'],
    source: 'setting',
  });
});

test('a configured path that is not there is an error, not a silent fallback', () => {
  const found = lookup({ configuredPath: '/nowhere/shorewall-ls' }, [`/usr/bin/${SERVER_BINARY}`]);
  assert.equal(found.kind, 'missing');
  assert.match(found.kind === 'missing' ? found.message : '', /\/nowhere\/shorewall-ls/);
});

test('a configured bare name is looked up on PATH', () => {
  const found = lookup({ configuredPath: 'shorewall-ls-dev' }, ['/usr/bin/shorewall-ls-dev']);
  assert.equal(found.kind === 'found' && found.command, '/usr/bin/shorewall-ls-dev');
});

test('without a setting the first PATH entry that has the binary is used', () => {
  const found = lookup({}, [`/usr/bin/${SERVER_BINARY}`, `/ext/server/${SERVER_BINARY}`]);
  assert.deepEqual(found, { kind: 'found', command: `/usr/bin/${SERVER_BINARY}`, args: ['lsp'], source: 'path' });
});

test('the bundled binary is the last resort', () => {
  const found = lookup({ envPath: undefined }, [`/ext/server/${SERVER_BINARY}`]);
  assert.deepEqual(found, {
    kind: 'found',
    command: `/ext/server/${SERVER_BINARY}`,
    args: ['lsp'],
    source: 'bundled',
  });
});

test('nothing found says how to fix it', () => {
  const found = lookup({}, []);
  assert.equal(found.kind, 'missing');
  assert.match(found.kind === 'missing' ? found.message : '', /shorewall\.server\.path/);
});

test('configured paths expand ~, ${workspaceFolder} and relative paths', () => {
  assert.equal(expandConfiguredPath('~/bin/shorewall-ls', '/ws'), path.join(os.homedir(), 'bin/shorewall-ls'));
  assert.equal(expandConfiguredPath('${workspaceFolder}/target/release/shorewall-ls', '/ws'), '/ws/target/release/shorewall-ls');
  assert.equal(expandConfiguredPath('target/debug/shorewall-ls', '/ws'), '/ws/target/debug/shorewall-ls');
  assert.equal(expandConfiguredPath('shorewall-ls', '/ws'), 'shorewall-ls');
});
