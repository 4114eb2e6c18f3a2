import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ReplicasState } from '../../src/controller/state/replicas-state.js';
import { FileControllerStore } from '../../src/controller/store/file-store.js';
import { ControllerRequestCode as Req, ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { tempDir } from '../config/helpers.js';
import { request } from '../controller/controller-harness.js';
import { spawnBin } from './spawn-bin.js';

const PEERS = ['--controllerDLegerPeers=n0-127.0.0.1:0', '--controllerDLegerSelfId=n0'];

const run = (home: string, args: string[]) => spawnBin('mqcontroller.js', home, args);

async function boot(home: string) {
  const process = run(home, PEERS);
  const match = await process.waitFor(/The Controller Server boot success\. serializeType=JSON, address 127\.0\.0\.1:(\d+)\n/);
  return { ...process, port: Number(match[1]) };
}

describe('mqcontroller', () => {
  it('refuses a file store shared by several peers with one line, before listening', async () => {
    const home = tempDir('mqcontroller-');
    const refused = run(home, ['--controllerDLegerPeers=n0-127.0.0.1:0;n1-127.0.0.1:1', '--controllerDLegerSelfId=n0']);
    assert.equal(await refused.exited, 1);
    assert.match(refused.errors(), /^mqcontroller: controllerStore=file keeps state for one controller only.*\n$/);
    const etcd = run(home, ['--controllerDLegerPeers=n0-127.0.0.1:0', '--controllerDLegerSelfId=n0', '--controllerStore=etcd', '--controllerEtcdEndpoints=http://127.0.0.1:2379']);
    assert.equal(await etcd.exited, 1);
    assert.match(etcd.errors(), /^mqcontroller: controllerStore=etcd needs controllerDLegerGroup[^\n]*\n$/);
  });

  it('answers brokers, stops on SIGTERM, and loses no acknowledged change to kill -9', async () => {
    const home = tempDir('mqcontroller-kill-');
    const acknowledged = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const server = await boot(home);
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: server.port });
      const meta = await client.invoke(request(Req.CONTROLLER_GET_METADATA_INFO), 60_000);
      assert.equal(meta.extFields?.controllerLeaderAddress, `127.0.0.1:${server.port}`);
      const applies = Array.from({ length: 30 }, (_, i) => {
        const brokerName = `r${round}-b${i}`;
        return client
          .invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: 'c', brokerName, appliedBrokerId: 1, registerCheckCode: `127.0.0.1:1${i};1` }), 60_000)
          .then((r) => r.code === Code.SUCCESS && acknowledged.add(brokerName), () => undefined);
      });
      await Promise.race(applies.slice(4 + round * 5));
      server.child.kill('SIGKILL');
      await server.exited;
      await Promise.allSettled(applies);
      client.close();
      const store = new FileControllerStore({ file: path.join(home, 'controller', 'controller-state.json'), selfAddress: 'x:1' });
      const state = ReplicasState.fromRecords(await store.readAll());
      for (const name of acknowledged) assert.ok(state.get('c', name), `acknowledged ${name} lost after round ${round}`);
    }
    assert.ok(acknowledged.size > 0);

    const server = await boot(home);
    const client = await ClientConnection.connect({ host: '127.0.0.1', port: server.port });
    const [first] = [...acknowledged];
    const next = await client.invoke(request(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: 'c', brokerName: first! }), 60_000);
    assert.equal(next.extFields?.nextBrokerId, '2', 'served from the file after the restart');
    client.close();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });
});
