import fs from 'node:fs';
import path from 'node:path';
import type { SecurityConfig } from '../../src/namesrv/config/security-config.js';
import type { AclReloadEvent } from '../../src/security/access-control.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest, SerializeType, type ExtFields, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { signRequest, type Credentials } from '../../src/security/signature.js';
import { startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';

export const ADMIN: Credentials = { accessKey: 'rocketmq2', secretKey: '12345678' };
export const PLAIN: Credentials = { accessKey: 'RocketMQ', secretKey: '12345678' };
export const ELSEWHERE: Credentials = { accessKey: 'faraway', secretKey: '87654321' };

/** rocketmq2 is an admin, RocketMQ is not, faraway is an admin allowed only from 192.168.0.*. */
export const ACL_FILE = `globalWhiteRemoteAddresses:
  - 10.10.103.*
accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
  - accessKey: rocketmq2
    secretKey: 12345678
    admin: true
  - accessKey: faraway
    secretKey: 87654321
    whiteRemoteAddress: 192.168.0.*
    admin: true
`;

/** Replaces an ACL file whole (written aside, then renamed), so that a watcher never reads half of it. */
export function replaceFile(file: string, text: string): void {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

export interface AclServer extends RunningNameServer {
  aclFile: string;
  /** Resolves with the next outcome of reading the ACL file after it changed on disk. */
  nextReload(): Promise<AclReloadEvent>;
}

export async function startAclServer(security: Partial<SecurityConfig> = {}, aclText = ACL_FILE): Promise<AclServer> {
  const home = tempDir('namesrv-acl-');
  const aclFile = path.join(home, 'conf', 'plain_acl.yml');
  fs.mkdirSync(path.dirname(aclFile), { recursive: true });
  fs.writeFileSync(aclFile, aclText);
  const ns = await startNameServer({ homeDir: home, security: { aclEnable: true, aclFile, ...security } });
  return {
    ...ns,
    aclFile,
    nextReload: () =>
      new Promise((resolve) => {
        const off = ns.server.accessControl!.onReload((event) => {
          off();
          resolve(event);
        });
      }),
  };
}

export interface SendOptions {
  extFields?: ExtFields;
  body?: Buffer | string;
  credentials?: Credentials;
  rocketmq?: boolean;
}

/** Sends one request, signed when credentials are given. */
export function send(client: ClientConnection, code: number, options: SendOptions = {}): Promise<RemotingCommand> {
  const request = createRequest({
    code,
    extFields: options.extFields ?? null,
    body: options.body ?? null,
    version: 479,
    serializeType: options.rocketmq ? SerializeType.ROCKETMQ : SerializeType.JSON,
  });
  return client.invoke(options.credentials ? signRequest(request, options.credentials) : request);
}
