import fs from 'node:fs/promises';
import path from 'node:path';
import type tls from 'node:tls';
import { pino } from 'pino';
import { RemotingTimeoutError } from '../../src/remoting/errors.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest, createResponse } from '../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import type { ServerTls, TlsReloadEvent } from '../../src/remoting/tls/index.js';
import type { Logger } from '../../src/util/logger.js';
import { silentLogger } from '../../src/util/logger.js';
import { CALL_TIMEOUT_MS } from '../support/nameserver-harness.js';
import { tempDir } from '../support/temp-dir.js';

export interface Pems {
  cert: string;
  key: string;
}

/** A certificate authority generated for the test. */
export async function makeCa(commonName: string): Promise<Pems> {
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A leaf certificate signed by `ca` (self-signed without one); the key is encrypted PKCS#8 with `passphrase`. */
export async function makeLeaf(commonName: string, options: { ca?: Pems; passphrase?: string } = {}): Promise<Pems> {
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: options.ca,
    passphrase: options.passphrase,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export async function makeTempDir(): Promise<{ dir: string; file(name: string): string; remove(): Promise<void> }> {
  const dir = tempDir('namesrv-tls-');
  return { dir, file: (name) => path.join(dir, name), remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes a certificate and key as `<name>.crt` / `<name>.key` in `dir` and returns their paths.
 * Each file is replaced whole, so a watcher never reads one half written.
 */
export async function writePems(dir: string, name: string, pems: Pems): Promise<{ certPath: string; keyPath: string }> {
  const certPath = path.join(dir, `${name}.crt`);
  const keyPath = path.join(dir, `${name}.key`);
  await replaceFile(certPath, pems.cert);
  await replaceFile(keyPath, pems.key);
  return { certPath, keyPath };
}

/** Writes a file beside `file` and renames it over `file`: readers see the old content or the new, never a part. */
export async function replaceFile(file: string, content: string): Promise<void> {
  const staged = path.join(path.dirname(file), `.staged-${path.basename(file)}`);
  await fs.writeFile(staged, content);
  await fs.rename(staged, file);
}

/** Properties that keep a test away from `/etc/rocketmq/tls.properties`. */
export function isolated(dir: string, properties: Record<string, string>): Record<string, string> {
  return { 'tls.config.file': path.join(dir, 'no-such-tls.properties'), ...properties };
}

export const SERVER_VERSION = 479;

/** A remoting server answering every request with code 0, behind `serverTls` when given. */
export async function startServer(serverTls: ServerTls | null, logger: Logger = silentLogger()): Promise<{ port: number; server: RemotingServer; close(): Promise<void> }> {
  const server = new RemotingServer({
    port: 0,
    host: '127.0.0.1',
    handler: (request) => createResponse(request, { code: 0 }, SERVER_VERSION),
    logger,
    serverVersion: SERVER_VERSION,
    tls: serverTls,
  });
  const { port } = await server.listen();
  return {
    port,
    server,
    close: async () => {
      await serverTls?.close();
      await server.close();
    },
  };
}

export function connect(port: number, tlsOptions?: tls.ConnectionOptions): Promise<ClientConnection> {
  return ClientConnection.connect({ host: '127.0.0.1', port, tls: tlsOptions, connectTimeoutMs: CALL_TIMEOUT_MS });
}

/** Sends a request and resolves with the response code. */
export async function ping(connection: ClientConnection): Promise<number> {
  const response = await connection.invoke(createRequest({ code: 105 }), CALL_TIMEOUT_MS);
  return response.code;
}

/**
 * Connects, sends one request and closes. 'answered' when the server answered; 'refused' when
 * the connection failed or was closed by the server (a silent server would time out instead).
 */
export async function attempt(port: number, tlsOptions?: tls.ConnectionOptions): Promise<'answered' | 'refused'> {
  let connection: ClientConnection;
  try {
    connection = await connect(port, tlsOptions);
  } catch (err) {
    if ((err as Error).message.includes('timed out')) throw err;
    return 'refused';
  }
  try {
    await ping(connection);
    return 'answered';
  } catch (err) {
    if (err instanceof RemotingTimeoutError) throw err;
    return 'refused';
  } finally {
    connection.close();
  }
}

/** Trust whatever the server presents: the checks under test are the server's. */
export const TRUST_ANY: tls.ConnectionOptions = { rejectUnauthorized: false };

export function peerFingerprint(connection: ClientConnection): string {
  return (connection.rawSocket as tls.TLSSocket).getPeerCertificate().fingerprint256;
}

/** Resolves with the next reload event matching `accept` (by default any but 'deferred'); the test runner's timeout bounds the wait. */
export function nextReload(
  serverTls: ServerTls,
  accept: (event: TlsReloadEvent) => boolean = (event) => event.outcome !== 'deferred',
): Promise<TlsReloadEvent> {
  return new Promise((resolve) => {
    const unsubscribe = serverTls.onReload((event) => {
      if (!accept(event)) return;
      unsubscribe();
      resolve(event);
    });
  });
}

export interface CapturedLog {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger whose records are kept in `records`. */
export function capturingLogger(): { logger: Logger; records: CapturedLog[] } {
  const records: CapturedLog[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as CapturedLog) });
  return { logger, records };
}

export const WARN = 40;
export const ERROR = 50;
