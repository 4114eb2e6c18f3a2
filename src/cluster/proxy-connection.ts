import type { CloseReason } from '../remoting/connection/close-reason.js';
import type { Connection } from '../remoting/remoting-server.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';

/** How the primary reaches the worker that owns a connection. */
export interface ConnectionOwner {
  send(connection: number, command: RemotingCommand): void;
  close(connection: number, reason: CloseReason): void;
}

/**
 * A connection a serving worker holds, as the primary's handlers see it: what they write to it
 * (broker notices) and closes (expiry) go to the owning worker.
 */
export class ProxyConnection implements Connection {
  isOpen = true;

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    readonly secure: boolean,
    readonly owner: ConnectionOwner,
  ) {}

  send(command: RemotingCommand): void {
    if (this.isOpen) this.owner.send(this.id, command);
  }

  close(reason: CloseReason): void {
    if (this.isOpen) this.owner.close(this.id, reason);
  }
}
