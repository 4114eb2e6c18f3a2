import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import type { Logger } from '../util/logger.js';
import type { Endpoint } from './http-context.js';
import { HttpListenError } from './http-listen-error.js';

/** What answers the listener's requests once it is loaded. */
export interface RequestRouter {
  route(request: http.IncomingMessage, response: http.ServerResponse): void;
  close(): Promise<void>;
}

export interface HttpListenerOptions {
  /** Builds the router; called at the first request, and again after a failed build. */
  loadRouter(): Promise<RequestRouter>;
  logger: Logger;
  /** Serve HTTPS with this certificate (a reload replaces it through `server.setSecureContext`). */
  https?: tls.SecureContextOptions;
}

/**
 * The HTTP port, open from start-up but light until used: the routes (fastify, prom-client, the
 * console) are loaded at the first request, so a NameServer nobody browses or scrapes does not
 * carry them (~15 MB and ~200 ms of loading). Requests that arrive while they load wait for them.
 */
export class HttpListener {
  readonly server: http.Server | https.Server;
  private router: RequestRouter | null = null;
  private loading: Promise<RequestRouter> | null = null;

  constructor(private readonly options: HttpListenerOptions) {
    this.server = options.https ? https.createServer(options.https) : http.createServer();
    this.server.on('request', (request, response) => this.onRequest(request, response));
  }

  /** True once the routes are loaded. */
  get loaded(): boolean {
    return this.router !== null;
  }

  /** Loads the routes now if they are not yet (what the first request does). */
  load(): Promise<RequestRouter> {
    if (this.router) return Promise.resolve(this.router);
    this.loading ??= this.options.loadRouter().then(
      (router) => (this.router = router),
      (err: unknown) => {
        this.loading = null;
        throw err;
      },
    );
    return this.loading;
  }

  async listen(port: number, host: string): Promise<Endpoint> {
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(new HttpListenError(port, host, error.code, error.message));
      this.server.once('error', failed);
      this.server.listen(port, host, () => {
        this.server.off('error', failed);
        resolve();
      });
    });
    this.server.on('error', (err) => this.options.logger.error({ err }, 'HTTP listener error'));
    const address = this.server.address();
    if (address === null || typeof address === 'string') return { address: host, port };
    return { address: address.address, port: address.port };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await Promise.all([closed, this.router?.close()]);
  }

  private onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (this.router) {
      this.router.route(request, response);
      return;
    }
    this.load().then(
      (router) => router.route(request, response),
      (err: unknown) => {
        this.options.logger.error({ err }, 'HTTP routes failed to load');
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"internal error"}');
      },
    );
  }
}
