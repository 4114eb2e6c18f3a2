import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../util/logger.js';
import { FileChangeWatcher } from '../../util/file-change-watcher.js';
import { generateSelfSignedIdentity } from './self-signed.js';
import { buildServerMaterial, readIdentityFiles, readText, type IdentityPems, type ServerMaterial } from './tls-material.js';
import { describeTlsSettings, resolveTlsSettings, type TlsEnvironment, type TlsSettings } from './tls-settings.js';

export interface ServerTlsOptions {
  /** The `tls.*` entries of the `-c` properties file, raw. */
  properties?: Record<string, string>;
  /** Defaults to `process.env`. */
  env?: TlsEnvironment;
  logger: Logger;
  /** Quiet time after a certificate file changes before it is read. */
  watchDebounceMs?: number;
  /** A TLS handshake must finish within this time (Netty's default: 10 s). */
  handshakeTimeoutMs?: number;
  /** Told of each TLS handshake's end: false for a failed one or a refused client certificate. */
  onHandshake?(ok: boolean): void;
  /**
   * Where test mode's self-signed certificate comes from, asked at the first TLS connection
   * (default: generated here). Serving processes ask the primary, so that all present one.
   */
  selfSigned?(): Promise<IdentityPems>;
}

/** What happened after the watched certificate files changed. */
export type TlsReloadEvent =
  | { outcome: 'reloaded'; changed: string[]; fingerprint: string }
  /** The new files are not usable; connections keep getting the previous material. */
  | { outcome: 'rejected'; changed: string[]; error: Error }
  /** Only one of certificate and key changed; the reload waits for the other. */
  | { outcome: 'deferred'; changed: string[] };

export interface ServerTls {
  readonly mode: 'permissive' | 'enforcing';
  readonly settings: TlsSettings;
  /** SHA-256 fingerprint of the certificate new TLS connections get; null when there is no usable one. */
  readonly fingerprint: string | null;
  /**
   * Takes over an accepted socket whose next byte starts a TLS record (the connection decided that,
   * see src/remoting/connection/), `alreadyRead` being the bytes the connection had read but not
   * used. Resolves with the TLS socket once the handshake is done and the client accepted, null
   * when refused (logged here) or gone.
   */
  handshake(socket: net.Socket, alreadyRead: Buffer[]): Promise<tls.TLSSocket | null>;
  /** Subscribes to reload outcomes; returns the unsubscribe function. */
  onReload(listener: (event: TlsReloadEvent) => void): () => void;
  /** Stops watching files and drops connections still handshaking. */
  close(): Promise<void>;
}

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Sets up TLS on the remoting port as Apache RocketMQ's NameServer does; null when
 * `tls.server.mode` is `disabled`.
 */
export async function createServerTls(options: ServerTlsOptions): Promise<ServerTls | null> {
  const settings = await resolveTlsSettings({ properties: options.properties, env: options.env, logger: options.logger });
  options.logger.info({ tls: describeTlsSettings(settings) }, `TLS mode ${settings.mode}`);
  if (settings.mode === 'disabled') return null;
  return TlsGate.start(settings, options);
}

type IdentitySource =
  | { kind: 'files'; certPath: string; keyPath: string; passphrase: string | null }
  /** Made on first use: start-up does not pay for key generation when nobody connects over TLS. */
  | { kind: 'generated'; pems: () => Promise<IdentityPems> };

interface PendingHandshake {
  finish(socket: tls.TLSSocket | null): void;
}

class TlsGate implements ServerTls {
  readonly mode: 'permissive' | 'enforcing';
  private material: ServerMaterial | null = null;
  private watcher: FileChangeWatcher | null = null;
  private readonly tlsServer: tls.Server;
  private readonly inProgress = new Set<net.Socket>();
  private readonly handshakes = new Map<string, PendingHandshake>();
  private readonly reloadListeners = new Set<(event: TlsReloadEvent) => void>();
  private certPending = false;
  private keyPending = false;
  private closed = false;

  private constructor(
    readonly settings: TlsSettings,
    private readonly identitySource: IdentitySource | null,
    private readonly trustPath: string | null,
    private readonly options: ServerTlsOptions,
  ) {
    this.mode = settings.mode === 'enforcing' ? 'enforcing' : 'permissive';
    this.tlsServer = tls.createServer({
      requestCert: settings.server.needClientAuth !== 'none',
      // Client certificates are checked after the handshake, to apply Java's rules and log why.
      rejectUnauthorized: false,
      handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    });
    this.tlsServer.on('secureConnection', (socket: tls.TLSSocket) => this.onSecureConnection(socket));
    this.tlsServer.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
      this.options.onHandshake?.(false);
      this.options.logger.warn({ remote: remoteOf(socket), err: err.message }, 'TLS handshake failed');
    });
  }

  static async start(settings: TlsSettings, options: ServerTlsOptions): Promise<TlsGate> {
    const { logger } = options;
    const server = settings.server;
    const trustPath = server.authClient ? server.trustCertPath : null;
    if (server.needClientAuth !== 'none' && !server.authClient) {
      logger.warn('client certificates are requested but not verified (tls.server.authClient is false), as Apache RocketMQ does');
    }
    const gate = new TlsGate(settings, chooseIdentity(settings, logger, options.selfSigned), trustPath, options);
    try {
      if (gate.identitySource?.kind !== 'generated') gate.install(await gate.loadMaterial(true));
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'no usable TLS certificate: TLS connections are refused until the files are fixed');
      gate.certPending = gate.keyPending = true;
    }
    const watched = [...gate.identityFiles(), ...(trustPath ? [trustPath] : [])];
    if (watched.length > 0) {
      gate.watcher = await FileChangeWatcher.start({
        files: watched,
        onChange: (changed) => gate.onFilesChanged(changed),
        logger,
        debounceMs: options.watchDebounceMs,
      });
    }
    return gate;
  }

  get fingerprint(): string | null {
    return this.material?.fingerprint ?? null;
  }

  onReload(listener: (event: TlsReloadEvent) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  async handshake(socket: net.Socket, alreadyRead: Buffer[]): Promise<tls.TLSSocket | null> {
    if (this.closed) return null;
    // Node's TLS socket reads the connection's handle itself; bytes read before it took over go
    // back in front of the stream, which it reads first. Paused so that none is emitted meanwhile.
    socket.pause();
    for (let i = alreadyRead.length - 1; i >= 0; i--) socket.unshift(alreadyRead[i]!);
    this.inProgress.add(socket);
    try {
      if (!this.material && this.identitySource?.kind === 'generated') await this.installGenerated();
      if (this.closed || socket.destroyed) return null;
      if (!this.material) {
        this.options.logger.error({ remote: remoteOf(socket) }, 'refusing a TLS connection: no usable certificate');
        return null;
      }
      return await this.startHandshake(socket);
    } finally {
      this.inProgress.delete(socket);
    }
  }

  private generating: Promise<void> | null = null;

  private installGenerated(): Promise<void> {
    this.generating ??= this.loadMaterial(true).then(
      (material) => this.install(material),
      (err: unknown) => this.options.logger.error({ err: (err as Error).message }, 'could not generate the self-signed certificate'),
    );
    return this.generating;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.inProgress) socket.destroy();
    this.reloadListeners.clear();
    await this.watcher?.close();
    this.watcher = null;
  }

  private startHandshake(raw: net.Socket): Promise<tls.TLSSocket | null> {
    return new Promise((resolve) => {
      const key = connectionKey(raw);
      const onClose = () => entry.finish(null);
      const entry: PendingHandshake = {
        finish: (socket) => {
          if (this.handshakes.get(key) === entry) this.handshakes.delete(key);
          raw.off('close', onClose);
          resolve(socket);
        },
      };
      this.handshakes.set(key, entry);
      raw.once('close', onClose);
      this.tlsServer.emit('connection', raw);
    });
  }

  private onSecureConnection(socket: tls.TLSSocket): void {
    const pending = this.handshakes.get(connectionKey(socket));
    if (!pending) {
      socket.destroy();
      return;
    }
    const refusal = this.clientCertificateRefusal(socket);
    if (refusal) {
      this.options.onHandshake?.(false);
      this.options.logger.warn({ remote: remoteOf(socket), reason: refusal }, 'refusing a TLS client');
      socket.destroy();
      pending.finish(null);
      return;
    }
    this.options.onHandshake?.(true);
    pending.finish(socket);
  }

  /** Java's rules: `require` needs a certificate; with `authClient`, a presented one must be trusted. */
  private clientCertificateRefusal(socket: tls.TLSSocket): string | null {
    const { needClientAuth, authClient } = this.settings.server;
    if (needClientAuth === 'none') return null;
    const presented = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
    if (!presented) return needClientAuth === 'require' ? 'no client certificate (tls.server.need.client.auth is require)' : null;
    if (authClient && !socket.authorized) return `untrusted client certificate: ${String(socket.authorizationError)}`;
    return null;
  }

  private identityFiles(): string[] {
    return this.identitySource?.kind === 'files' ? [this.identitySource.certPath, this.identitySource.keyPath] : [];
  }

  private async loadMaterial(readIdentity: boolean): Promise<ServerMaterial> {
    const source = this.identitySource;
    if (!source) throw new Error('no certificate configured (tls.server.certPath, tls.server.keyPath) and tls.test.mode.enable is false');
    let identity: IdentityPems;
    if (source.kind === 'generated') identity = await source.pems();
    else if (readIdentity || !this.material) identity = await readIdentityFiles(source.certPath, source.keyPath, source.passphrase);
    else identity = this.material.identity;
    const trustPem = this.trustPath ? await readText(this.trustPath, 'tls.server.trustCertPath') : null;
    return buildServerMaterial(identity, trustPem, {
      cert: source.kind === 'files' ? `tls.server.certPath ${source.certPath}` : 'the self-signed certificate',
      key: source.kind === 'files' ? `tls.server.keyPath ${source.keyPath}` : 'the self-signed key',
      trust: `tls.server.trustCertPath ${this.trustPath}`,
    });
  }

  private install(material: ServerMaterial): void {
    this.tlsServer.setSecureContext(material.contextOptions);
    this.material = material;
    const expired = Date.parse(material.validTo) < Date.now();
    this.options.logger[expired ? 'warn' : 'info'](
      { fingerprint: material.fingerprint, subject: material.subject, validTo: material.validTo },
      expired ? 'TLS certificate in use has expired' : 'TLS certificate in use',
    );
  }

  private async onFilesChanged(changed: string[]): Promise<void> {
    if (this.closed) return;
    const source = this.identitySource;
    if (source?.kind === 'files') {
      if (changed.includes(source.certPath)) this.certPending = true;
      if (changed.includes(source.keyPath)) this.keyPending = true;
    }
    const trustChanged = this.trustPath !== null && changed.includes(this.trustPath);
    const identityChanged = this.certPending && this.keyPending;
    const { logger } = this.options;
    if (!trustChanged && !identityChanged) {
      logger.info({ changed }, 'TLS certificate or key changed; reloading once both have changed');
      this.emit({ outcome: 'deferred', changed });
      return;
    }
    try {
      const material = await this.loadMaterial(identityChanged);
      if (this.closed) return;
      this.install(material);
      if (identityChanged) this.certPending = this.keyPending = false;
      logger.info({ changed }, 'TLS material reloaded; new connections use it');
      this.emit({ outcome: 'reloaded', changed, fingerprint: material.fingerprint });
    } catch (err) {
      logger.error({ changed, err: (err as Error).message }, 'new TLS material is not usable; keeping the current one');
      this.emit({ outcome: 'rejected', changed, error: err as Error });
    }
  }

  private emit(event: TlsReloadEvent): void {
    for (const listener of this.reloadListeners) listener(event);
  }
}

function chooseIdentity(settings: TlsSettings, logger: Logger, selfSigned = () => generateSelfSignedIdentity()): IdentitySource | null {
  const { certPath, keyPath, keyPassword } = settings.server;
  if (certPath && keyPath) {
    if (settings.testModeEnable) {
      logger.info('tls.test.mode.enable is true but a certificate and key are configured: serving them (Apache RocketMQ would serve a self-signed one)');
    }
    return { kind: 'files', certPath, keyPath, passphrase: keyPassword };
  }
  if (certPath || keyPath) logger.warn('only one of tls.server.certPath and tls.server.keyPath is set; both are needed');
  if (!settings.testModeEnable) return null;
  logger.info('tls.test.mode.enable: TLS clients get a self-signed certificate, generated at the first TLS connection');
  return { kind: 'generated', pems: selfSigned };
}

function connectionKey(socket: net.Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}|${socket.localAddress}|${socket.localPort}`;
}

function remoteOf(socket: net.Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}
