import fs from 'node:fs';
import { ResponseCode } from '../protocol/response-code.js';
import { requestCodeName } from '../protocol/request-code.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';
import { FileChangeWatcher } from '../util/file-change-watcher.js';
import type { Logger } from '../util/logger.js';
import { AclFileError, parseAclFile, type AclRules } from './acl-file.js';
import { checkAccountKeys, type AccountKeyRefusal } from './account-check.js';
import { checkAccess, type PolicySwitches, type Refusal, type RequestOrigin } from './access-policy.js';

export interface AccessControlOptions {
  /** Java's `plain_acl.yml`. */
  file: string;
  /** Read at every request, so run-time changes apply at once. */
  switches: PolicySwitches;
  logger: Logger;
  /** Told of every refusal, e.g. to count them. */
  onRefused?: (refusal: Refusal, request: RemotingCommand) => void;
  /** Quiet time after the file changes before it is read again. */
  watchDebounceMs?: number;
}

/** What reading the ACL file again gave. */
export type AclReloadEvent = { outcome: 'reloaded'; accounts: number } | { outcome: 'rejected'; error: string };

/** What a refused request is answered. */
export interface AccessRefusalReply {
  code: number;
  remark: string;
}

const NO_RULES: AclRules = { globalWhiteRemoteAddresses: [], accounts: new Map() };

/**
 * Signed-request checking for the NameServer: holds the accounts of the ACL file, reads the file
 * again when it changes on disk (a file that does not parse leaves the previous accounts in force),
 * and answers whether a request may run.
 */
export class AccessControl {
  private rules: AclRules = NO_RULES;
  private text: string | null = null;
  private watcher: FileChangeWatcher | null = null;
  private readonly reloadListeners = new Set<(event: AclReloadEvent) => void>();

  private constructor(private readonly options: AccessControlOptions) {}

  /** Reads the file and starts watching it. A missing or bad file refuses every signed request until it is fixed. */
  static async start(options: AccessControlOptions): Promise<AccessControl> {
    const control = new AccessControl(options);
    control.load();
    control.watcher = await FileChangeWatcher.start({
      files: [options.file],
      onChange: () => control.emit(control.load()),
      logger: options.logger,
      debounceMs: options.watchDebounceMs,
    });
    return control;
  }

  /** The ACL file's text whose accounts are in force; null while none has loaded. */
  get rulesText(): string | null {
    return this.text;
  }

  /** Accounts in force. */
  get accountCount(): number {
    return this.rules.accounts.size;
  }

  /** null when the request may run; otherwise its NO_PERMISSION answer (the refusal is logged). */
  check(request: RemotingCommand, origin: RequestOrigin): AccessRefusalReply | null {
    const refusal = checkAccess(request, origin, this.rules, this.options.switches);
    if (!refusal) return null;
    this.options.logger.warn(
      { code: requestCodeName(request.code), remote: origin.remoteAddress, accessKey: refusal.accessKey, reason: refusal.reason },
      'request refused by ACL',
    );
    this.options.onRefused?.(refusal, request);
    return { code: ResponseCode.NO_PERMISSION, remark: refusal.remark };
  }

  /**
   * Checks an account's keys as HTTP Basic gives them (`host`: the caller's IP address, `secure`: over
   * HTTPS); null when they may be used. With `aclAdminRequiresTls`, admin work needs HTTPS here too.
   */
  checkAccount(accessKey: string, secretKey: string, origin: { host: string; secure: boolean }, admin: boolean): AccountKeyRefusal | null {
    if (admin && this.options.switches.aclAdminRequiresTls && !origin.secure) return 'admin-needs-tls';
    return checkAccountKeys(this.rules, accessKey, secretKey, origin.host, admin);
  }

  onReload(listener: (event: AclReloadEvent) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.reloadListeners.clear();
    await this.watcher?.close();
    this.watcher = null;
  }

  private load(): AclReloadEvent {
    const { file, logger } = this.options;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const error = `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      logger.error({ file, err: error }, 'ACL file not loaded; keeping the accounts in force');
      return { outcome: 'rejected', error };
    }
    try {
      this.rules = parseAclFile(text);
      this.text = text;
    } catch (err) {
      if (!(err instanceof AclFileError)) throw err;
      logger.error({ file, err: err.message }, 'ACL file not loaded; keeping the accounts in force');
      return { outcome: 'rejected', error: err.message };
    }
    const accounts = this.rules.accounts.size;
    logger.info({ file, accounts, globalWhiteRemoteAddresses: this.rules.globalWhiteRemoteAddresses.map((p) => p.source) }, 'ACL file loaded');
    return { outcome: 'reloaded', accounts };
  }

  private emit(event: AclReloadEvent): void {
    for (const listener of this.reloadListeners) listener(event);
  }
}
