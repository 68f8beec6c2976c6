import { after, before, beforeEach } from 'node:test';
import { type RunningLab, startLab } from '../../../lab/src/manager';
import { GridFleetClient } from '../../../src/client';
import { TcpProxy } from '../../chaos/support/tcp_proxy';

/** A lab behind a TCP proxy, and a client each way; valid inside tests of the file that set it up. */
export interface ProxiedLab {
  /** The lab itself (admin surface at `lab.url`). */
  readonly lab: RunningLab;
  /** The proxy: `down()` gives real connection-refused errors while the lab keeps its state. */
  readonly proxy: TcpProxy;
  /** A client that goes through the proxy (the one under test). */
  readonly client: GridFleetClient;
  /** A client that talks to the lab directly (the operator's view, also during an outage). */
  readonly direct: GridFleetClient;
}

/**
 * Registers node:test hooks that start a lab behind a TCP proxy for the file, reopen the proxy before each
 * test and stop both at the end. Call at the top of a `describe`.
 */
export function proxiedLab(): ProxiedLab {
  let current: ProxiedLab | undefined;
  before(async () => {
    const lab = await startLab({ port: 0 });
    const proxy = await TcpProxy.start(lab.port);
    current = {
      lab,
      proxy,
      client: new GridFleetClient(`http://127.0.0.1:${proxy.port}/api`, { auth: null }),
      direct: new GridFleetClient(lab.apiUrl, { auth: null }),
    };
  });
  after(async () => {
    await current?.proxy.down();
    await current?.lab.close();
  });
  beforeEach(async () => {
    await current?.proxy.reopen();
  });
  const get = (): ProxiedLab => {
    if (!current) throw new Error('proxiedLab(): used outside a test of the describe that set it up');
    return current;
  };
  return {
    get lab() {
      return get().lab;
    },
    get proxy() {
      return get().proxy;
    },
    get client() {
      return get().client;
    },
    get direct() {
      return get().direct;
    },
  };
}
