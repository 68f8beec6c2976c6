/**
 * HTTPS manager with a private CA (issue #5): `openssl` makes a CA and a server certificate for
 * 127.0.0.1, a TLS front serves the lab over https. Without the CA the client's error says the
 * certificate was not accepted and names NODE_EXTRA_CA_CERTS; with NODE_EXTRA_CA_CERTS set, the same
 * client (in a fresh node process, which is when node reads that variable) works.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningLab, startLab } from '../../lab/src/manager';
import { GridFleetClient, GridFleetTransportError } from '../../src/client';
import { runProcess } from '../support/run_process';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Makes `ca.pem` and a `server.pem`/`server.key` for 127.0.0.1 signed by it, in `dir`. */
function makeCertificates(dir: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=chaos test CA',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

describe('an https manager with a private CA', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridfleet-tls-'));
  let lab: RunningLab | undefined;
  let front: https.Server | undefined;
  let apiUrl = '';
  before(async () => {
    makeCertificates(dir);
    lab = await startLab({ port: 0 });
    const target = lab.port;
    // A TLS front (like a reverse proxy in front of the manager) forwarding to the plain-http lab.
    front = https.createServer(
      { key: readFileSync(path.join(dir, 'server.key')), cert: readFileSync(path.join(dir, 'server.pem')) },
      (req, res) => {
        const upstream = http.request(
          { host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      },
    );
    await new Promise<void>((resolve) => front?.listen(0, '127.0.0.1', resolve));
    apiUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}/api`;
  });
  after(async () => {
    front?.closeAllConnections();
    await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('without the CA: a clear certificate error naming NODE_EXTRA_CA_CERTS', async () => {
    const client = new GridFleetClient(apiUrl, { env: {} });
    await assert.rejects(client.listDevices(), (error: unknown) => {
      assert.ok(error instanceof GridFleetTransportError, String(error));
      assert.match(error.message, /TLS certificate was not accepted/);
      assert.match(
        error.message,
        /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/,
      );
      assert.match(error.message, /NODE_EXTRA_CA_CERTS/);
      assert.doesNotMatch(error.message, /Check that the manager is running/);
      return true;
    });
  });

  test('with NODE_EXTRA_CA_CERTS pointing at the CA: the client works', async () => {
    const script = `
      const { GridFleetClient } = require(${JSON.stringify(path.join(REPO_ROOT, 'src', 'client'))});
      new GridFleetClient(process.argv[1], { env: {} }).listDevices().then(
        (devices) => console.log('devices ' + devices.length),
        (error) => { console.error(error.message); process.exit(1); },
      );`;
    // Async spawn: the lab and the TLS front run in this process and must keep answering.
    const run = await runProcess(process.execPath, ['--require', 'ts-node/register', '-e', script, apiUrl], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'), TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    const child = { status: run.code, stdout: run.stdout, stderr: run.stderr };
    assert.equal(child.status, 0, `${child.stdout}\n${child.stderr}`);
    assert.match(child.stdout, /devices [1-9]\d*/);
  });
});
