import type { RegisterBodyLimits } from '../config/server-extras-config.js';
import type { Connection } from '../../remoting/remoting-server.js';
import type { RemotingCommand, ExtFields } from '../../remoting/remoting-command.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { NamesrvObserver } from '../observer.js';
import type { RouteRegistry } from '../route/route-registry.js';
import type { RegisterBodyDecoder } from './register-body-decoder.js';
import type { ResponseCache } from './response-cache.js';

/** The NamesrvConfig switches request handlers read, live (run-time updates apply at once). */
export interface ProcessorSwitches {
  readonly orderMessageEnable: boolean;
  readonly returnOrderTopicConfigToBroker: boolean;
  readonly enableAllTopicList: boolean;
  readonly enableTopicList: boolean;
  readonly needWaitForService: boolean;
  readonly waitSecondsForService: number;
}

export interface KvAccess {
  /** Moves whenever the namespace's entries may have changed (KvStore.namespaceVersion). */
  namespaceVersion(namespace: string): number;
  /** Resolves once the change is durable. */
  put(namespace: string, key: string, value: string): Promise<void>;
  get(namespace: string, key: string): string | undefined;
  delete(namespace: string, key: string): Promise<void>;
  namespace(namespace: string): ReadonlyMap<string, string> | undefined;
}

export interface ConfigAccess {
  readonly namesrv: ProcessorSwitches;
  /** Applies and persists an UPDATE_NAMESRV_CONFIG; throws RequestError when refused. Returns the names it ignored. */
  update(properties: Map<string, string>): { ignored: string[] };
  /** The GET_NAMESRV_CONFIG body. */
  formatAll(): string;
  /** pino level of the server's logger. */
  readonly logLevel: string;
  /** How far a compressed REGISTER_BROKER body may inflate. */
  readonly registerBodyLimits: RegisterBodyLimits;
}

/** Everything a request handler may touch. */
export interface NamesrvContext {
  readonly registry: RouteRegistry;
  readonly kv: KvAccess;
  readonly config: ConfigAccess;
  readonly cache: ResponseCache;
  readonly registerBodies: RegisterBodyDecoder;
  /** Registrations waiting for their body to decode, by broker, so that each broker's apply in order. */
  readonly pendingRegistrations: Map<string, Promise<unknown>>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly observer: NamesrvObserver;
  /** When the server started, for `needWaitForService`. */
  readonly startedAt: number;
  /** Properties text → map, as Java's MixAll.string2Properties reads an update body. */
  parseProperties(text: string): Map<string, string>;
}

/** What a handler answers: the dispatcher turns it into a response command. */
export interface Reply {
  code: number;
  remark?: string | null;
  /** `{}` and null differ on the wire: Java writes `"extFields":{}` for handlers with a response header. */
  extFields?: ExtFields | null;
  body?: Buffer | null;
}

/** Most handlers answer at once; a large registration answers once its body is decoded. */
export type Processor = (request: RemotingCommand, ctx: NamesrvContext, connection: Connection) => Reply | Promise<Reply>;

export const OK: Reply = Object.freeze({ code: 0 });
