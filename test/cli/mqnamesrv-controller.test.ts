import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ControllerRequestCode as Req, ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { tempDir } from '../config/helpers.js';
import { request } from '../controller/controller-harness.js';
import { spawnBin } from './spawn-bin.js';

const run = (home: string, args: string[]) =>
  spawnBin('mqnamesrv.js', home, ['--listenPort=0', '--bindAddress=127.0.0.1', '--httpEnable=false', ...args]);

describe('mqnamesrv with enableControllerInNamesrv=true', () => {
  it('runs the controller from the same -c file, at its peer entry rather than the NameServer port', async () => {
    const home = tempDir('namesrv-controller-');
    const file = path.join(home, 'namesrv.properties');
    writeFileSync(file, 'enableControllerInNamesrv=true\ncontrollerDLegerGroup=group1\ncontrollerDLegerPeers=n0-127.0.0.1:0\ncontrollerDLegerSelfId=n0\nenableElectUncleanMaster=false\nnotifyBrokerRoleChanged=true\nscanNotActiveBrokerInterval=5000\nclientWorkerThreads=4\n');
    const server = spawnBin('mqnamesrv.js', home, ['--listenPort=0', '--bindAddress=127.0.0.1', '--httpPort=0', '-c', file]);
    const ports = [
      Number((await server.waitFor(/The Name Server boot success\. .*:(\d+)\n/))[1]),
      Number((await server.waitFor(/The Controller Server boot success\. .*:(\d+)\n/))[1]),
    ];
    assert.notEqual(ports[0], ports[1]);
    const controller = await ClientConnection.connect({ host: '127.0.0.1', port: ports[1] });
    const meta = await controller.invoke(request(Req.CONTROLLER_GET_METADATA_INFO), 60_000);
    assert.equal(meta.code, Code.SUCCESS);
    assert.equal(meta.extFields?.group, 'group1');
    assert.equal(meta.extFields?.isLeader, 'true');
    const namesrv = await ClientConnection.connect({ host: '127.0.0.1', port: ports[0] });
    assert.equal((await namesrv.invoke(request(RequestCode.GET_BROKER_CLUSTER_INFO), 60_000)).code, 0);
    const httpPort = Number((await server.waitFor(/HTTP \(metrics, health, API, address server\) on .*:(\d+)\n/))[1]);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    assert.match(metrics, /^rocketmq_controller_leader 1$/m, 'the controller\'s metrics in the NameServer\'s /metrics');
    const report = (await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/controller`)).json()) as Record<string, unknown>;
    assert.deepEqual([report.enabled, report.address, report.role, report.store, report.brokerSets], [true, `127.0.0.1:${ports[1]}`, 'leader', 'file', []]);
    controller.close();
    namesrv.close();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('refuses to start, in one line, with a file store and several peers', async () => {
    const home = tempDir('namesrv-controller-');
    const server = run(home, ['--enableControllerInNamesrv=true', '--controllerDLegerPeers=n0-127.0.0.1:9878;n1-127.0.0.1:9868', '--controllerDLegerSelfId=n0']);
    assert.equal(await server.exited, 1);
    assert.match(server.errors(), /^mqnamesrv: controllerStore=file keeps state for one controller only[^\n]*\n$/);
    assert.doesNotMatch(server.output(), /boot success/);
  });
});
