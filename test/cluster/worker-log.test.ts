import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import { ipcLogger } from '../../src/cluster/ipc-logger.js';
import { debugEnabled } from '../../src/util/debug-enabled.js';
import { relayWorkerLog } from '../../src/cluster/worker-log.js';
import type { Logger } from '../../src/util/logger.js';
import { V1_TCP4 } from '../fixtures/proxy-headers.js';
import { startNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';

type Line = Record<string, unknown>;

function capturingLogger(level = 'info'): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  return { logger: pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Line) }) as Logger, lines };
}

test('a serving process logs through the primary: its lines reach the primary\'s logger, marked with its pid', async () => {
  const { logger, lines } = capturingLogger();
  const ns = await startNameServer({ servingProcesses: 2 }, logger);
  try {
    // An untrusted peer sending a PROXY header: the worker serving it warns.
    const socket = net.connect({ host: '127.0.0.1', port: ns.port }, () => socket.write(V1_TCP4));
    socket.on('error', () => undefined);
    await until(() => lines.some((l) => /PROXY protocol header from a peer not in/.test(String(l.msg))));
    socket.destroy();
    const warning = lines.find((l) => /PROXY protocol header/.test(String(l.msg)))!;
    assert.equal(warning.level, 40);
    assert.equal(typeof warning.servingWorker, 'number');
    assert.notEqual(warning.servingWorker, process.pid);
    assert.equal(warning.claimed, '192.0.2.10:40000');
  } finally {
    await ns.stop();
  }
});

test('the worker\'s lines keep their level, fields and errors; below the level nothing is sent', () => {
  const sent: string[] = [];
  const logger = ipcLogger((line) => sent.push(line), { servingWorker: 42 }, 'warn');
  logger.info({ a: 1 }, 'dropped');
  logger.warn({ remote: '1.2.3.4:5' }, 'kept');
  logger.child({ connection: 7 }).error({ err: Object.assign(new Error('boom'), { code: 'EBOOM' }) }, 'failed');
  logger.level = 'silent';
  logger.fatal('not even this');
  assert.equal(sent.length, 2);
  const { logger: primary, lines } = capturingLogger('info');
  for (const line of sent) relayWorkerLog(primary, line);
  relayWorkerLog(primary, 'not json');
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.servingWorker]),
    [
      [40, 'kept', 42],
      [50, 'failed', 42],
      [40, 'serving worker wrote an unreadable log line', undefined],
    ],
  );
  assert.equal(lines[0]!.remote, '1.2.3.4:5');
  assert.equal(lines[1]!.connection, 7);
  assert.deepEqual([(lines[1]!.err as Line).message, (lines[1]!.err as Line).code], ['boom', 'EBOOM']);
});

test('a serving process\'s logger tells debugEnabled its level, as pino does', () => {
  const logger = ipcLogger(() => undefined, {}, 'debug');
  assert.equal(debugEnabled(logger), true);
  logger.level = 'info';
  assert.equal(debugEnabled(logger), false);
  logger.level = 'silent';
  assert.equal(debugEnabled(logger), false);
  assert.equal(debugEnabled(ipcLogger(() => undefined, {}, 'trace')), true);
});
