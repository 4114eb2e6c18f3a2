import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { RemotingConnectionError } from '../../src/remoting/errors.js';
import { CALL_TIMEOUT_MS, call, startNameServer } from '../support/nameserver-harness.js';

describe('TLS on the NameServer port', () => {
  it('by default (permissive, test mode) serves plain and TLS clients on one port', async () => {
    // One process serves the port, so that the certificate is the one this process's ServerTls
    // holds (serving processes present the one the primary makes for them: test/cluster/worker-tls).
    const ns = await startNameServer({ servingProcesses: 1 });
    try {
      const plain = await ns.connect();
      assert.equal((await call(plain, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
      const secure = await ClientConnection.connect({ host: '127.0.0.1', port: ns.port, tls: { rejectUnauthorized: false } });
      try {
        assert.equal((await call(secure, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
        const fingerprint = (secure.rawSocket as import('node:tls').TLSSocket).getPeerX509Certificate()?.fingerprint256;
        assert.equal(fingerprint, ns.server.serverTls?.fingerprint);
      } finally {
        secure.close();
      }
    } finally {
      await ns.stop();
    }
  });

  it('with tls.server.mode=enforcing refuses plain clients', async () => {
    const ns = await startNameServer({ tls: { 'tls.server.mode': 'enforcing' } });
    try {
      const plain = await ns.connect();
      // Closed by the server, not left unanswered (the call's timeout is far longer than the test's).
      await assert.rejects(call(plain, RequestCode.GET_BROKER_CLUSTER_INFO), RemotingConnectionError);
    } finally {
      await ns.stop();
    }
  });

  it('with tls.server.mode=disabled serves plain clients only', async () => {
    const ns = await startNameServer({ tls: { 'tls.server.mode': 'disabled' } });
    try {
      assert.equal(ns.server.serverTls, null);
      assert.equal((await call(await ns.connect(), RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
      // The server reads the TLS hello as a bad frame and closes the connection; a timeout is not the answer.
      const secure = ClientConnection.connect({ host: '127.0.0.1', port: ns.port, tls: { rejectUnauthorized: false }, connectTimeoutMs: CALL_TIMEOUT_MS });
      await assert.rejects(secure, (err: Error) => err instanceof RemotingConnectionError && !/timed out/.test(err.message));
    } finally {
      await ns.stop();
    }
  });
});

describe('a port already in use', () => {
  it('fails start-up and leaves nothing running that keeps the process alive', async () => {
    const { Configuration } = await import('../../src/namesrv/config/configuration.js');
    const { NameServer } = await import('../../src/namesrv/nameserver.js');
    const { silentLogger } = await import('../../src/util/logger.js');
    const { tempDir } = await import('../support/nameserver-harness.js');
    const holder = await startNameServer();
    try {
      const configuration = new Configuration({ homeDir: tempDir(), netty: { listenPort: holder.port, bindAddress: '127.0.0.1' }, http: { httpEnable: false } });
      const second = new NameServer({ configuration, logger: silentLogger(), env: {} });
      await assert.rejects(second.start(), /EADDRINUSE/);
      assert.equal(second.serverTls, null);
      await second.shutdown();
    } finally {
      await holder.stop();
    }
  });
});
