import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { call, startNameServer } from '../support/nameserver-harness.js';

const PAUSED = 'requests awaiting answers pile up in the server, pausing reads';

/** Starts a NameServer with `properties`, registers a broker whose body is decoded off the event loop, and tells whether reads were paused for it. */
async function registerLargeBody(properties: Record<string, unknown>): Promise<boolean> {
  let paused = false;
  const logger = pino({ level: 'debug' }, { write: (line: string) => void ((JSON.parse(line) as { msg: string }).msg === PAUSED && (paused = true)) });
  const ns = await startNameServer(properties, logger);
  try {
    // ~2,500 topics: a body of ~400 KB, decoded on the worker thread, so its request awaits its answer.
    const broker = new FakeBroker(await ns.connect(), { topics: Array.from({ length: 2_500 }, (_, i) => topic(`Awaited-${i}`)) });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    const client = await ns.connect();
    const route = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Awaited-2499' } });
    assert.equal(route.code, ResponseCode.SUCCESS, 'applied, and the server reads again');
    return paused;
  } finally {
    await ns.stop();
  }
}

describe('awaitingRequestsMaxBytes', () => {
  it('past it, connections are read no further until answers bring the sum back under', async () => {
    assert.equal(await registerLargeBody({ awaitingRequestsMaxBytes: 1_000 }), true);
  });

  it('the default holds such a registration without pausing', async () => {
    assert.equal(await registerLargeBody({}), false);
  });
});
