/**
 * Settings of the HTTP listener (metrics, health, the read-only API and the address server).
 * Ours: Java's NameServer has no HTTP side.
 */
export interface HttpConfig {
  httpEnable: boolean;
  /** 0 picks a free port. */
  httpPort: number;
  /** Empty: the remoting `bindAddress`. */
  httpBindAddress: string;
  /** What `/rocketmq/nsaddr` answers (`host:port;host:port`); empty: this server's own remoting address. */
  addressServerNamesrvList: string;
  /** Further address-server lists: `name=host:port;host:port,name2=host:port` (see docs/http-api.md). */
  addressServerSubgroups: string;
  /** Other NameServers (`host:port;host:port`) the web console compares this one with. */
  consoleNameServers: string;
  /** The console's comparison may connect to NameServers a caller names, not only `consoleNameServers`. */
  consoleCompareAnyAddress: boolean;
}

export const DEFAULT_HTTP_PORT = 9877;

export function defaultHttpConfig(): HttpConfig {
  return {
    httpEnable: true,
    httpPort: DEFAULT_HTTP_PORT,
    httpBindAddress: '',
    addressServerNamesrvList: '',
    addressServerSubgroups: '',
    consoleNameServers: '',
    consoleCompareAnyAddress: false,
  };
}
