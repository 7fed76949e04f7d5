// Which settings reach the server: only the ones the user set.

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { explicitValue, InspectedValue, serverSettings } from '../../src/serverSettings';

const inspectFrom =
  (values: Record<string, InspectedValue<unknown>>) =>
  <T>(key: string) =>
    values[key] as InspectedValue<T> | undefined;

test('defaults alone send no format options', () => {
  assert.deepEqual(serverSettings(inspectFrom({})), { format: {} });
});

test('user, workspace and language-specific values are sent, the most specific winning', () => {
  const settings = serverSettings(
    inspectFrom({
      'format.align': { globalValue: false },
      'format.useTabs': { globalValue: true, workspaceValue: false },
      'format.tabWidth': { globalValue: 4 },
      'format.maxColumnWidth': { globalValue: 16, workspaceLanguageValue: 30 },
    }),
  );
  assert.deepEqual(settings, { format: { align: false, useTabs: false, tabWidth: 4, maxColumnWidth: 30 } });
});

test('values of the wrong type or out of range are dropped', () => {
  const settings = serverSettings(
    inspectFrom({
      'format.align': { globalValue: 'yes' },
      'format.tabWidth': { globalValue: 0.5 },
      'format.maxColumnWidth': { globalValue: -3 },
    }),
  );
  assert.deepEqual(settings, { format: {} });
});

test('explicitValue ignores null', () => {
  assert.equal(explicitValue({ globalValue: null }), undefined);
  assert.equal(explicitValue(undefined), undefined);
});
