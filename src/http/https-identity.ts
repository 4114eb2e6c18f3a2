import type tls from 'node:tls';
import { buildServerMaterial, readIdentityFiles, type ServerMaterial } from '../remoting/tls/tls-material.js';
import { FileChangeWatcher } from '../util/file-change-watcher.js';
import type { Logger } from '../util/logger.js';

/** The remoting side's certificate files (`tls.server.certPath`, `keyPath`, `keyPassword`). */
export interface CertificateFiles {
  certPath: string;
  keyPath: string;
  keyPassword: string | null;
}

export type HttpsReloadEvent = { outcome: 'reloaded'; fingerprint: string } | { outcome: 'rejected'; error: string };

/**
 * The HTTPS listener's certificate: the remoting side's files, checked as the remoting side checks
 * them (tls-material), and read again when they change. Files that are not usable leave the
 * certificate in force (none at start: handshakes fail until the files are fixed, as on the
 * remoting port). Client certificates are not asked for: HTTP callers prove who they are with an
 * account of the ACL file.
 */
export class HttpsIdentity {
  private material: ServerMaterial | null = null;
  private watcher: FileChangeWatcher | null = null;
  private target: tls.Server | null = null;
  private readonly listeners = new Set<(event: HttpsReloadEvent) => void>();

  private constructor(
    private readonly files: CertificateFiles,
    private readonly logger: Logger,
  ) {}

  static async start(files: CertificateFiles, logger: Logger, watchDebounceMs?: number): Promise<HttpsIdentity> {
    const identity = new HttpsIdentity(files, logger);
    try {
      identity.material = await identity.load();
      logger.info({ fingerprint: identity.material.fingerprint, subject: identity.material.subject }, 'HTTPS certificate in use');
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'no usable HTTPS certificate: HTTPS handshakes fail until the files are fixed');
    }
    identity.watcher = await FileChangeWatcher.start({
      files: [files.certPath, files.keyPath],
      onChange: () => identity.reload(),
      logger,
      debounceMs: watchDebounceMs,
    });
    return identity;
  }

  /** What the listener is created with (empty when no usable certificate was found). */
  get contextOptions(): tls.SecureContextOptions {
    return this.material?.contextOptions ?? {};
  }

  get fingerprint(): string | null {
    return this.material?.fingerprint ?? null;
  }

  /** The listener whose certificate a reload replaces. */
  serve(server: tls.Server): void {
    this.target = server;
  }

  onReload(listener: (event: HttpsReloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.watcher?.close();
    this.watcher = null;
    this.target = null;
  }

  private load(): Promise<ServerMaterial> {
    const { certPath, keyPath, keyPassword } = this.files;
    return readIdentityFiles(certPath, keyPath, keyPassword).then((pems) =>
      buildServerMaterial(pems, null, { cert: `tls.server.certPath ${certPath}`, key: `tls.server.keyPath ${keyPath}`, trust: '' }),
    );
  }

  private async reload(): Promise<void> {
    let event: HttpsReloadEvent;
    try {
      const material = await this.load();
      this.target?.setSecureContext(material.contextOptions);
      this.material = material;
      this.logger.info({ fingerprint: material.fingerprint }, 'HTTPS certificate reloaded; new connections use it');
      event = { outcome: 'reloaded', fingerprint: material.fingerprint };
    } catch (err) {
      // A certificate written before its key does not match it yet: the next change completes the pair.
      this.logger.warn({ err: (err as Error).message }, 'new HTTPS certificate files are not usable (yet); keeping the current certificate');
      event = { outcome: 'rejected', error: (err as Error).message };
    }
    for (const listener of this.listeners) listener(event);
  }
}
