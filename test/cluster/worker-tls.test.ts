import assert from 'node:assert/strict';
import { once } from 'node:events';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import { startNameServer } from '../support/nameserver-harness.js';
import { openedOnEveryProcess } from '../support/serving-processes.js';

/** A TLS client that checks nothing, as RocketMQ's clients do in test mode; its peer's certificate fingerprint. */
async function tlsClient(port: number): Promise<{ socket: tls.TLSSocket; fingerprint: string }> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  return { socket, fingerprint: socket.getPeerCertificate().fingerprint256 };
}

describe('TLS test mode with serving processes', () => {
  it('every serving process presents the one self-signed certificate, made by the primary', async () => {
    // The embedded defaults: permissive TLS in test mode.
    const ns = await startNameServer({ servingProcesses: 2 });
    let clients: Array<{ socket: tls.TLSSocket; fingerprint: string }> = [];
    try {
      clients = await openedOnEveryProcess(ns, () => tlsClient(ns.port));
      assert.equal(ns.server.servingCluster!.processCount, 2);
      const fingerprints = new Set(clients.map((client) => client.fingerprint));
      assert.equal(fingerprints.size, 1, `one certificate across ${clients.length} connections on both processes`);
    } finally {
      for (const { socket } of clients) socket.destroy();
      await ns.stop();
    }
  });
});
