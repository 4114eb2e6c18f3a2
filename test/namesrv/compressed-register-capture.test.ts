import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { decodeRegisterBrokerRecords } from '../../src/protocol/bodies/index.js';
import { bodyCrc32 } from '../../src/protocol/body-crc.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { decodeCommand } from '../../src/remoting/command-codec.js';
import type { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { registerBodyForm } from '../../src/namesrv/processors/register-body-form.js';
import { scanRegisterRecords } from '../../src/namesrv/processors/register-records-scanner.js';
import { decodedRegistrationOf, topicNamesOf } from '../../src/namesrv/route/topic-rows.js';
import { FIXTURES_DIR, frameBytes, loadCapture } from '../fixtures/captures.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

/**
 * REGISTER_BROKER requests real brokers sent with `compressedRegister=true` (see
 * test/fixtures/README.md): a 4.9.8 broker's, flagged `compressed=true`, and a 5.3.3 broker's,
 * flagged `compressed=false` though the body is a zlib stream, its topic lines carrying attributes.
 */
const DIRECTORY = path.join(FIXTURES_DIR, 'compressed-register');
const CAPTURES = { '4.9.8': 'java-4.9.8.jsonl', '5.3.3': 'java-5.3.3.jsonl' } as const;

function requests(version: keyof typeof CAPTURES): RemotingCommand[] {
  return loadCapture(CAPTURES[version], DIRECTORY).map((frame) => decodeCommand(frameBytes(frame).subarray(4)));
}

interface Route {
  brokerDatas: Array<{ brokerName: string; brokerAddrs: Record<string, string> }>;
  queueDatas: Array<{ brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag: number }>;
}

describe('compressed register bodies real brokers sent', () => {
  it('are zlib streams whatever the header says, checked by their crc32, and read by the scanner as the full decoder reads them', () => {
    const sizes: Record<string, number[]> = {};
    for (const version of Object.keys(CAPTURES) as Array<keyof typeof CAPTURES>) {
      for (const request of requests(version)) {
        const body = request.body!;
        const flagged = request.extFields!.compressed === 'true';
        assert.equal(flagged, version === '4.9.8', `${version} flags compressed=${flagged}`);
        assert.equal(registerBodyForm(flagged, body, request.version).compressed, true);
        assert.equal(bodyCrc32(body), Number(request.extFields!.bodyCrc32));
        const records = inflateSync(body);
        const scanned = scanRegisterRecords(records);
        assert.ok(scanned, `${version}: read by the scanner`);
        const full = decodeRegisterBrokerRecords(records);
        const expected = decodedRegistrationOf(full.topicConfigSerializeWrapper, full.filterServerList);
        assert.deepEqual(topicNamesOf(scanned.topics), topicNamesOf(expected.topics));
        assert.deepEqual([...scanned.topics.numbers], [...expected.topics.numbers]);
        assert.deepEqual(scanned.dataVersion, expected.dataVersion);
        (sizes[version] ??= []).push(scanned.topics.size);
      }
    }
    assert.deepEqual(sizes, { '4.9.8': [8, 1], '5.3.3': [13, 1, 1, 15] });
  });

  for (const [version, topic, queues] of [
    ['4.9.8', 'OrderTopic4', { readQueueNums: 2, writeQueueNums: 2 }],
    ['5.3.3', 'FifoTopic', { readQueueNums: 4, writeQueueNums: 2 }],
  ] as const) {
    describe(`replayed to the NameServer (${version})`, () => {
      let ns: RunningNameServer;
      before(async () => {
        ns = await startNameServer();
      });
      after(async () => {
        await ns?.stop();
      });

      it('registers the broker, and its topics are served with their queues', async () => {
        const broker = await ns.connect();
        for (const request of requests(version)) {
          const answer = await broker.invoke(request);
          assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark ?? '');
        }
        const client = await ns.connect();
        const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic } });
        assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark ?? '');
        const route = bodyJson(answer) as Route;
        assert.deepEqual(route.brokerDatas.map((b) => [b.brokerName, b.brokerAddrs['0']]), [['broker-a', '127.0.0.1:10911']]);
        assert.deepEqual(route.queueDatas, [{ brokerName: 'broker-a', ...queues, perm: 6, topicSysFlag: 0 }]);
      });
    });
  }
});
