import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Exposition } from '../../support/http.js';
import { Req, request, startTestController, type TestController } from '../controller-harness.js';

describe('controller metrics', () => {
  let controller: TestController;
  after(() => controller.stop());

  it('count elections by trigger and result, heartbeats, and show leadership and broker sets', async () => {
    controller = await startTestController();
    const client = await controller.connect();
    for (const id of [1, 2]) {
      await client.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: 'c', brokerName: 'b', appliedBrokerId: id, registerCheckCode: `127.0.0.1:1${id};1` }));
      client.invokeOneway(request(Req.BROKER_HEARTBEAT, { clusterName: 'c', brokerName: 'b', brokerAddr: `127.0.0.1:1${id}`, brokerId: id }));
    }
    await client.invoke(request(Req.CONTROLLER_ELECT_MASTER, { clusterName: 'c', brokerName: 'b', brokerId: 1 }));
    await client.invoke(request(Req.CONTROLLER_ELECT_MASTER, { clusterName: 'c', brokerName: 'b', brokerId: 2 }));
    const exposition = new Exposition(await controller.metrics.metrics());
    const value = (name: string, labels: Record<string, string> = {}) => exposition.value(name, labels);
    assert.equal(value('rocketmq_controller_elections_total', { trigger: 'broker', result: 'elected' }), 1);
    assert.equal(value('rocketmq_controller_elections_total', { trigger: 'broker', result: 'master_still_exist' }), 1);
    assert.equal(value('rocketmq_controller_elections_total', { trigger: 'controller', result: 'elected' }), 0);
    assert.equal(value('rocketmq_controller_heartbeats_total'), 2);
    assert.equal(value('rocketmq_controller_leader'), 1);
    assert.equal(value('rocketmq_controller_broker_sets'), 1);
    assert.equal(value('rocketmq_controller_alive_brokers'), 2);
    assert.equal(value('rocketmq_controller_role_changes_total', { change: 'became_leader' }), 1);
  });
});
