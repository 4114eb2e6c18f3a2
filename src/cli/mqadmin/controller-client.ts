import { parseHostPort } from '../../client/namesrv/address-list.js';
import { clientRequest, type HeaderValues } from '../../client/namesrv/client-request.js';
import { ControllerRequestCode as Req } from '../../protocol/controller-codes.js';
import { ClientConnection } from '../../remoting/remoting-client.js';
import type { RemotingCommand } from '../../remoting/remoting-command.js';
import { signedCopy, type Credentials } from '../../security/signature.js';
import { UsageError } from './command.js';

/** A controller's answer that is not SUCCESS, with Java's wording (`CODE: 2012 DESC: ...`). */
export class ControllerRefusal extends Error {
  override readonly name = 'ControllerRefusal';
  constructor(readonly code: number, remark: string | null, address: string) {
    super(`CODE: ${code} DESC: ${remark ?? ''} (controller ${address})`);
  }
}

/**
 * Talks to controllers as Java's admin tools do: a request for the leader first asks the given
 * controller who leads (CONTROLLER_GET_METADATA_INFO), then goes there.
 */
export class ControllerClient {
  private readonly connections = new Map<string, ClientConnection>();

  constructor(private readonly options: { timeoutMs: number; credentials?: Credentials }) {}

  /** `-a host:port;host:port` as Java's tools split it. */
  static addresses(text: unknown): string[] {
    if (typeof text !== 'string' || text.trim() === '') throw new UsageError('option -a (--controllerAddress) is required');
    const list = text.trim().split(';').map((s) => s.trim()).filter(Boolean);
    for (const address of list) parseHostPort(address);
    return list;
  }

  async call(address: string, code: number, header: HeaderValues = {}, body: Buffer | string | null = null): Promise<RemotingCommand> {
    let connection = this.connections.get(address);
    if (!connection || !connection.isOpen) {
      const { host, port } = parseHostPort(address);
      connection = await ClientConnection.connect({ host, port, connectTimeoutMs: Math.min(this.options.timeoutMs, 3000) });
      this.connections.set(address, connection);
    }
    return connection.invoke(signedCopy(clientRequest(code, header, body), this.options.credentials), this.options.timeoutMs);
  }

  /** Calls and fails unless the answer is SUCCESS (or one of `alsoOk`). */
  async expect(address: string, code: number, header: HeaderValues = {}, body: Buffer | string | null = null, alsoOk: number[] = []): Promise<RemotingCommand> {
    const response = await this.call(address, code, header, body);
    if (response.code !== 0 && !alsoOk.includes(response.code)) throw new ControllerRefusal(response.code, response.remark, address);
    return response;
  }

  async metadata(address: string): Promise<Record<string, string>> {
    return (await this.expect(address, Req.CONTROLLER_GET_METADATA_INFO)).extFields ?? {};
  }

  async leaderOf(address: string): Promise<string> {
    const leader = (await this.metadata(address)).controllerLeaderAddress;
    if (!leader) throw new Error(`controller ${address} knows no leader`);
    return leader;
  }

  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
