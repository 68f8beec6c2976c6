import net from 'node:net';

/**
 * A TCP proxy in front of the lab. Taking it down gives clients a real "connection refused" while the lab
 * keeps its state, like a manager process restarting on top of its database.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy on a free port forwarding to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(0, targetPort);
    const port = await proxy.listen(0);
    const bound = new TcpProxy(port, targetPort);
    bound.server = proxy.server;
    bound.server?.removeAllListeners('connection');
    bound.server?.on('connection', (s) => bound.forward(s));
    return bound;
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  private listen(port: number): Promise<number> {
    const server = net.createServer((s) => this.forward(s));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  /** Whether the proxy accepts connections. */
  get up(): boolean {
    return this.server !== undefined;
  }

  /** Refuses new connections and cuts the open ones. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again on the same port. */
  async reopen(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }
}
