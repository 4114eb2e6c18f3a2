/** The remoting layer's unit of exchange: one request or response, as RocketMQ peers frame it. */

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Flag bit 0: the command is a response. Flag bit 1: the request expects no answer. */
export const RESPONSE_FLAG = 1;
export const ONEWAY_FLAG = 2;

/** Language codes in wire order: a ROCKETMQ header carries the index, a JSON header the name. */
export const LANGUAGE_CODES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
] as const;

export type ExtFields = Record<string, string>;

export interface RemotingCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  /** Absent (null) and empty are different in JSON headers: null is left out. */
  remark: string | null;
  /** Absent (null) and empty are different in JSON headers: null is left out, `{}` is written. */
  extFields: ExtFields | null;
  serializeType: SerializeType;
  body: Buffer | null;
}

export function isResponse(cmd: Pick<RemotingCommand, 'flag'>): boolean {
  return (cmd.flag & RESPONSE_FLAG) !== 0;
}

export function isOneway(cmd: Pick<RemotingCommand, 'flag'>): boolean {
  return (cmd.flag & ONEWAY_FLAG) !== 0;
}

export interface RequestInit {
  code: number;
  extFields?: ExtFields | null;
  body?: Buffer | string | null;
  opaque?: number;
  version?: number;
  language?: string;
  serializeType?: SerializeType;
  oneway?: boolean;
  remark?: string | null;
}

export function createRequest(init: RequestInit): RemotingCommand {
  return {
    code: init.code,
    language: init.language ?? 'JAVA',
    version: init.version ?? 0,
    opaque: init.opaque ?? 0,
    flag: init.oneway ? ONEWAY_FLAG : 0,
    remark: init.remark ?? null,
    extFields: init.extFields ?? null,
    serializeType: init.serializeType ?? SerializeType.JSON,
    body: toBody(init.body),
  };
}

export interface ResponseInit {
  code: number;
  remark?: string | null;
  extFields?: ExtFields | null;
  body?: Buffer | string | null;
}

/** A response to `request`: same opaque and serialize type, response flag set. `version` is the server's own. */
export function createResponse(request: RemotingCommand, init: ResponseInit, version: number): RemotingCommand {
  return {
    code: init.code,
    language: 'JAVA',
    version,
    opaque: request.opaque,
    flag: RESPONSE_FLAG,
    remark: init.remark ?? null,
    extFields: init.extFields ?? null,
    serializeType: request.serializeType,
    body: toBody(init.body),
  };
}

function toBody(body: Buffer | string | null | undefined): Buffer | null {
  if (body == null) return null;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
