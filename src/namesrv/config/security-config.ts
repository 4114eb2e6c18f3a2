import path from 'node:path';

/** Settings of signed-request checking and of PROXY protocol trust (ours; Java's NameServer has neither). */
export interface SecurityConfig {
  /** Check signatures of requests as docs/security.md describes. */
  aclEnable: boolean;
  /** Java's `plain_acl.yml`. */
  aclFile: string;
  /** REGISTER/UNREGISTER_BROKER, BROKER_HEARTBEAT and QUERY_DATA_VERSION need a signature too. */
  aclBrokerRequests: boolean;
  /** Route, cluster, topic-list, KV and config reads need a signature too. */
  aclReads: boolean;
  /** Admin requests are refused on plain-text connections, signed or not (a signature can be replayed). */
  aclAdminRequiresTls: boolean;
  /** Peers whose PROXY protocol header is believed: addresses or CIDR networks, `;` or `,` separated. */
  proxyProtocolTrustedAddresses: string;
}

/** `conf/plain_acl.yml` under ROCKETMQ_HOME, or under the home folder without one. */
export function defaultAclFile(rocketmqHome: string, homeDir: string): string {
  return path.join(rocketmqHome || homeDir, 'conf', 'plain_acl.yml');
}

export function defaultSecurityConfig(homeDir: string): SecurityConfig {
  return {
    aclEnable: false,
    aclFile: defaultAclFile('', homeDir),
    aclBrokerRequests: true,
    aclReads: false,
    aclAdminRequiresTls: false,
    proxyProtocolTrustedAddresses: '',
  };
}
