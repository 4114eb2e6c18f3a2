import { parseAclFile, type AclRules } from '../security/acl-file.js';
import { checkAccess, type PolicySwitches, type RequestOrigin } from '../security/access-policy.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';

/** The ACL as a serving worker gets it: the primary's switches and the text of its ACL file in force. */
export interface WorkerAcl {
  switches: Required<PolicySwitches>;
  /** null while no file has loaded: every signed request is refused, as in the primary. */
  rules: string | null;
}

const NO_RULES: AclRules = { globalWhiteRemoteAddresses: [], accounts: new Map() };

/**
 * The primary's access check in a serving worker: the same policy over the same accounts (the
 * primary re-sends its file's text at each reload). The worker only asks whether a request may be
 * answered from a copy: a refusal is the primary's to answer, log and count, so refused requests
 * are forwarded.
 */
export class WorkerAccess {
  private rules: AclRules = NO_RULES;

  constructor(private readonly switches: Required<PolicySwitches>, rules: string | null) {
    this.update(rules);
  }

  update(rules: string | null): void {
    this.rules = rules === null ? NO_RULES : parseAclFile(rules);
  }

  allows(request: RemotingCommand, origin: RequestOrigin): boolean {
    return checkAccess(request, origin, this.rules, this.switches) === null;
  }
}
