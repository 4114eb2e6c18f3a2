import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretSetting, redactSettings, REDACTED } from '../../src/namesrv/config/redact.js';

test('settings whose names hold password or secret, in any case, are secrets', () => {
  for (const name of ['tls.server.keyPassword', 'tls.client.keyPassword', 'secretKey', 'accessSecret', 'PASSWORD']) assert.ok(isSecretSetting(name), name);
  for (const name of ['listenPort', 'tls.server.keyPath', 'kvConfigPath']) assert.ok(!isSecretSetting(name), name);
});

test('redaction hides set secrets and keeps everything else, in order', () => {
  assert.deepEqual(
    redactSettings([
      ['listenPort', '9876'],
      ['tls.server.keyPassword', 'hunter2'],
      ['tls.client.keyPassword', ''],
    ]),
    [
      ['listenPort', '9876'],
      ['tls.server.keyPassword', REDACTED],
      ['tls.client.keyPassword', ''],
    ],
  );
});
