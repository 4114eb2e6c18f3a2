import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { call, startNameServer } from '../support/nameserver-harness.js';

describe('inputBufferMaxBytes', () => {
  it('bounds what the NameServer holds of unfinished requests: the connection going past it is closed, others are served', async () => {
    const ns = await startNameServer({ inputBufferMaxBytes: 10_000 });
    try {
      const client = await ns.connect();
      const hoarder = net.connect({ host: '127.0.0.1', port: ns.port });
      hoarder.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => hoarder.once('close', () => resolve()));
      const announced = Buffer.alloc(4 + 20_000, 0x20);
      announced.writeInt32BE(1_000_000, 0); // within frameMaxLength, past the budget
      hoarder.write(announced);
      await closed;
      assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).code, 0);
    } finally {
      await ns.stop();
    }
  });
});
