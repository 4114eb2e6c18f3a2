/**
 * Times when a registration's route is served: lookups of one topic over a connection of its own,
 * a few in flight, until an answer names the registering broker. What it reports is an upper
 * bound (the answer's arrival; the server served the route somewhat before), with the probe's own
 * lookup round trip beside it, which is how much of the figure can be the lookup rather than the
 * apply.
 */
import { performance } from 'node:perf_hooks';
import { RequestCode } from '../src/protocol/request-code.js';
import { ResponseCode } from '../src/protocol/response-code.js';
import { ClientConnection } from '../src/remoting/remoting-client.js';
import { createRequest } from '../src/remoting/remoting-command.js';

/** Lookups in flight at once, so that the route is seen within a fraction of a lookup's round trip. */
const IN_FLIGHT = 3;
const GIVE_UP_MS = 30_000;

export interface ProbeOutcome {
  /** From `since` to the arrival of the first answer naming the broker (or the topic gone). */
  ms: number;
  /** Median round trip of the probe's lookups meanwhile. */
  lookupMs: number;
}

export class RouteProbe {
  private constructor(
    private readonly connection: ClientConnection,
    private readonly version: number,
  ) {}

  static async connect(host: string, port: number, version: number): Promise<RouteProbe> {
    return new RouteProbe(await ClientConnection.connect({ host, port, connectTimeoutMs: 5000 }), version);
  }

  /** Resolves once a lookup of `topic` answers a route naming `brokerName`. */
  served(topic: string, brokerName: string, since: number): Promise<ProbeOutcome> {
    const name = Buffer.from(`"${brokerName}"`);
    return this.until(topic, since, (code, body) => code === ResponseCode.SUCCESS && body !== null && body.includes(name));
  }

  /** Resolves once a lookup of `topic` answers that it has no route. */
  gone(topic: string, since: number): Promise<ProbeOutcome> {
    return this.until(topic, since, (code) => code === ResponseCode.TOPIC_NOT_EXIST);
  }

  close(): void {
    this.connection.close();
  }

  private async until(topic: string, since: number, done: (code: number, body: Buffer | null) => boolean): Promise<ProbeOutcome> {
    const roundTrips: number[] = [];
    let seenAt = 0;
    const lane = async () => {
      while (seenAt === 0) {
        if (performance.now() - since > GIVE_UP_MS) throw new Error(`route probe: ${topic} not as expected after ${GIVE_UP_MS} ms`);
        const sent = performance.now();
        const answer = await this.connection.invoke(
          createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic }, version: this.version }),
          GIVE_UP_MS,
        );
        const arrived = performance.now();
        roundTrips.push(arrived - sent);
        if (seenAt === 0 && done(answer.code, answer.body)) seenAt = arrived;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    roundTrips.sort((a, b) => a - b);
    return { ms: seenAt - since, lookupMs: roundTrips[Math.floor(roundTrips.length / 2)] ?? 0 };
  }
}
