import {
  decodeDataVersion,
  encodeBrokerMemberGroupResponse,
  encodeDataVersion,
  encodeKvTable,
} from '../../protocol/bodies/index.js';
import { decodeHeader, encodeHeader } from '../../protocol/custom-header.js';
import {
  BrokerHeartbeatHeader,
  GetBrokerMemberGroupHeader,
  QueryDataVersionHeader,
  RegisterBrokerHeader,
  UnregisterBrokerHeader,
  type RegisterBrokerHeader as RegisterBrokerHeaderFields,
} from '../../protocol/namesrv-headers.js';
import { RequestCode } from '../../protocol/request-code.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerRegistrationHeader, RegisterBrokerResult } from '../route/route-registry.js';
import type { RegistrationBody } from '../route/topic-rows.js';
import { hashMapOrder } from '../../json/java-hash-order.js';
import type { Connection } from '../../remoting/remoting-server.js';
import { heldRegisterBodyOf, type HeldRegisterBody } from './held-register-body.js';
import { registerBodyForm } from './register-body-form.js';
import type { RegisterBodyRead } from './register-body-decoder.js';
import { BodyCrcMismatch } from './register-body-job.js';
import { OK, type NamesrvContext, type Processor, type Reply } from './context.js';

/** The KV namespace holding order-topic configs ("brokerName:queueNums;..."). */
export const ORDER_TOPIC_CONFIG_NAMESPACE = 'ORDER_TOPIC_CONFIG';

const registerBroker: Processor = (request, ctx, connection) => {
  const header = decodeHeader(RegisterBrokerHeader, request.extFields);
  const { body } = request;
  const { compressed, legacy } = registerBodyForm(header.compressed === true, body, request.version);
  const registration: Registration = { header, body, held: heldRegisterBodyOf(request), compressed, legacy };

  // A broker's registrations apply in the order they came, even when one waits for its body to decode.
  const key = `${header.clusterName}\u0000${header.brokerAddr}`;
  const before = ctx.pendingRegistrations.get(key);
  const reply = before ? before.then(() => register(ctx, connection, registration)) : register(ctx, connection, registration);
  if (reply instanceof Promise) {
    const settled = reply.catch(() => undefined);
    ctx.pendingRegistrations.set(key, settled);
    void settled.then(() => {
      if (ctx.pendingRegistrations.get(key) === settled) ctx.pendingRegistrations.delete(key);
    });
  }
  return reply;
};

interface Registration {
  header: RegisterBrokerHeaderFields;
  body: Buffer | null;
  /** A large JSON body left with the serving process that read it (`body` is then null). */
  held: HeldRegisterBody | undefined;
  compressed: boolean;
  /** From a broker older than 3.0.11, whose body is only the topic config wrapper. */
  legacy: boolean;
}

/** The connection of a registration that waited closed: its routes would outlive it until the expiry scan. */
const CONNECTION_CLOSED: Reply = { code: ResponseCode.SYSTEM_ERROR, remark: 'register broker failed: the connection closed', extFields: {} };

const CRC_MISMATCH: Reply = { code: ResponseCode.SYSTEM_ERROR, remark: 'crc32 not match', extFields: {} };

/** Refuses a registration with an answer of its own (REGISTER_BROKER answers carry `extFields: {}`). */
class RegistrationRefused extends Error {
  constructor(readonly reply: Reply) {
    super(reply.remark ?? 'register broker failed');
  }
}

function register(ctx: NamesrvContext, connection: Connection, registration: Registration): Reply | Promise<Reply> {
  // A compressed body inflates off the event loop (once: the fingerprint is taken as it inflates).
  const read = registration.held
    ? ctx.registerBodies.readHeld(registration.held)
    : ctx.registerBodies.read(registration.body, registration, ctx.config.registerBodyLimits, connection);
  if (!(read instanceof Promise)) return registerRead(ctx, connection, registration, read);
  return read.then((ready) => (connection.isOpen ? registerRead(ctx, connection, registration, ready) : CONNECTION_CLOSED));
}

function registerRead(ctx: NamesrvContext, connection: Connection, { header }: Registration, read: RegisterBodyRead): Reply | Promise<Reply> {
  const { fingerprint } = read;
  // Called only when the body is not recognised as the one applied: a body skipped as unchanged
  // is not checksummed either, the same bytes were checked at the registration that brought them.
  const decode = (): RegistrationBody | Promise<RegistrationBody> => {
    const decoded = read.decode(header.bodyCrc32 ?? null);
    if (!(decoded instanceof Promise)) return decoded;
    return decoded.then((topics) => {
      if (!connection.isOpen) throw new RegistrationRefused(CONNECTION_CLOSED);
      return topics;
    });
  };
  const refused = (err: unknown): Reply => {
    if (err instanceof RegistrationRefused) return err.reply;
    if (err instanceof BodyCrcMismatch) {
      ctx.logger.warn({ remote: connection.remoteAddress, brokerAddr: header.brokerAddr }, 'register broker: crc32 does not match the body');
      return CRC_MISMATCH;
    }
    throw err;
  };
  try {
    const result = ctx.registry.register({
      ...brokerOf(header, connection),
      fingerprint: fingerprint ? { value: fingerprint.fingerprint, dataVersion: fingerprint.dataVersion } : null,
      decode,
    });
    if (result instanceof Promise) return result.then((r) => answer(ctx, r), refused);
    return answer(ctx, result);
  } catch (err) {
    return refused(err);
  }
}

function brokerOf(header: RegisterBrokerHeaderFields, connection: Connection): BrokerRegistrationHeader {
  return {
    clusterName: header.clusterName,
    brokerAddr: header.brokerAddr,
    brokerName: header.brokerName,
    brokerId: header.brokerId,
    haServerAddr: header.haServerAddr,
    zoneName: header.zoneName ?? null,
    heartbeatTimeoutMillis: header.heartbeatTimeoutMillis ?? null,
    enableActingMaster: header.enableActingMaster ?? null,
    connectionId: connection.id,
  };
}

function answer(ctx: NamesrvContext, result: RegisterBrokerResult): Reply {
  if (result.outcome === 'refused') return { code: ResponseCode.SYSTEM_ERROR, remark: 'register broker failed', extFields: {} };
  ctx.observer.registrationAccepted(result.outcome);
  const values: Record<string, string | null> = { haServerAddr: result.haServerAddr, masterAddr: result.masterAddr };
  const extFields = encodeHeader(Object.fromEntries(hashMapOrder(Object.keys(values)).map((k) => [k, values[k]])));
  let replyBody: Buffer | null = null;
  if (ctx.config.namesrv.returnOrderTopicConfigToBroker) {
    const table = ctx.kv.namespace(ORDER_TOPIC_CONFIG_NAMESPACE);
    if (table) replyBody = encodeKvTable(new Map(table));
  }
  return { code: ResponseCode.SUCCESS, extFields, body: replyBody };
}

const unregisterBroker: Processor = (request, ctx, connection) => {
  const header = decodeHeader(UnregisterBrokerHeader, request.extFields);
  if (!ctx.registry.submitUnregister(header)) {
    ctx.logger.warn({ remote: connection.remoteAddress, ...header }, 'unregister queue is full, request dropped');
    return { code: ResponseCode.SYSTEM_ERROR };
  }
  return OK;
};

const brokerHeartbeat: Processor = (request, ctx) => {
  const { clusterName, brokerAddr } = decodeHeader(BrokerHeartbeatHeader, request.extFields);
  ctx.registry.touchBroker(clusterName, brokerAddr);
  return OK;
};

const queryDataVersion: Processor = (request, ctx, connection) => {
  const { clusterName, brokerAddr } = decodeHeader(QueryDataVersionHeader, request.extFields);
  if (!request.body) throw new BodyDecodeError('QUERY_DATA_VERSION needs the broker\'s DataVersion as body');
  const dataVersion = decodeDataVersion(request.body);
  const changed = ctx.registry.isBrokerTopicConfigChanged(clusterName, brokerAddr, dataVersion);
  // Java refreshes the broker whoever asks; a broker asks over the connection it registered on.
  ctx.registry.touchBroker(clusterName, brokerAddr, connection.id);
  const ours = ctx.registry.queryBrokerDataVersion(clusterName, brokerAddr);
  return {
    code: ResponseCode.SUCCESS,
    extFields: { changed: String(changed) },
    body: ours ? encodeDataVersion(ours) : null,
  };
};

const getBrokerMemberGroup: Processor = (request, ctx) => {
  const { clusterName, brokerName } = decodeHeader(GetBrokerMemberGroupHeader, request.extFields);
  return { code: ResponseCode.SUCCESS, body: encodeBrokerMemberGroupResponse(ctx.registry.brokerMemberGroup(clusterName, brokerName)) };
};

export const brokerProcessors: ReadonlyArray<[number, Processor]> = [
  [RequestCode.REGISTER_BROKER, registerBroker],
  [RequestCode.UNREGISTER_BROKER, unregisterBroker],
  [RequestCode.BROKER_HEARTBEAT, brokerHeartbeat],
  [RequestCode.QUERY_DATA_VERSION, queryDataVersion],
  [RequestCode.GET_BROKER_MEMBER_GROUP, getBrokerMemberGroup],
];
