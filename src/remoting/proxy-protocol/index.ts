export { MAX_PROXY_HEADER_LENGTH, parseProxyHeader, ProxyHeaderError, V1_PREFIX, V2_SIGNATURE, type ProxyEndpoint, type ProxyHeader, type ProxyHeaderParse, type ProxyTlv } from './proxy-header.js';
export { parseTrustedProxies, TrustedProxiesError, type TrustedProxies } from './trusted-proxies.js';
