import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGridUrl } from './grid_url';

describe('parseGridUrl', () => {
  const cases: Array<
    [string, { protocol: string; hostname: string; port: number; path: string; displayUrl: string }]
  > = [
    [
      'http://grid:4444',
      { protocol: 'http', hostname: 'grid', port: 4444, path: '/', displayUrl: 'http://grid:4444' },
    ],
    [
      'http://grid:4444/wd/hub',
      {
        protocol: 'http',
        hostname: 'grid',
        port: 4444,
        path: '/wd/hub',
        displayUrl: 'http://grid:4444/wd/hub',
      },
    ],
    [
      'http://grid:4444/wd/hub/',
      {
        protocol: 'http',
        hostname: 'grid',
        port: 4444,
        path: '/wd/hub',
        displayUrl: 'http://grid:4444/wd/hub',
      },
    ],
    [
      'https://grid.example.com',
      {
        protocol: 'https',
        hostname: 'grid.example.com',
        port: 443,
        path: '/',
        displayUrl: 'https://grid.example.com',
      },
    ],
    ['http://grid', { protocol: 'http', hostname: 'grid', port: 80, path: '/', displayUrl: 'http://grid' }],
    [
      'grid:4444',
      { protocol: 'http', hostname: 'grid', port: 4444, path: '/', displayUrl: 'http://grid:4444' },
    ],
    [
      '10.0.0.5:5555/wd/hub',
      {
        protocol: 'http',
        hostname: '10.0.0.5',
        port: 5555,
        path: '/wd/hub',
        displayUrl: 'http://10.0.0.5:5555/wd/hub',
      },
    ],
    [
      'localhost',
      { protocol: 'http', hostname: 'localhost', port: 4444, path: '/', displayUrl: 'http://localhost:4444' },
    ],
    [
      'HTTP://Grid:4444',
      { protocol: 'http', hostname: 'grid', port: 4444, path: '/', displayUrl: 'http://grid:4444' },
    ],
    [
      'http://[::1]:4444',
      { protocol: 'http', hostname: '[::1]', port: 4444, path: '/', displayUrl: 'http://[::1]:4444' },
    ],
  ];
  for (const [input, expected] of cases) {
    test(`${input} → ${expected.protocol}://${expected.hostname}:${expected.port}${expected.path}`, () => {
      const parsed = parseGridUrl(input);
      assert.deepEqual(
        {
          protocol: parsed.protocol,
          hostname: parsed.hostname,
          port: parsed.port,
          path: parsed.path,
          displayUrl: parsed.displayUrl,
        },
        expected,
      );
      assert.equal(parsed.headers, undefined);
    });
  }

  test('user-info becomes a Basic Authorization header and never reaches displayUrl', () => {
    const parsed = parseGridUrl('https://ci-bot:s%40cret@grid.example.com:8443/wd/hub?tenant=qa');
    assert.deepEqual(parsed.headers, {
      Authorization: `Basic ${Buffer.from('ci-bot:s@cret').toString('base64')}`,
    });
    assert.equal(parsed.displayUrl, 'https://grid.example.com:8443/wd/hub?tenant=qa');
    assert.deepEqual(parsed.queryParams, { tenant: 'qa' });
    assert.equal(parsed.path, '/wd/hub');
  });

  test('bad values are TypeErrors naming the value (credentials masked) and the accepted forms', () => {
    assert.throws(() => parseGridUrl(''), /GRID_URL is empty/);
    assert.throws(() => parseGridUrl('ftp://grid:21'), /scheme "ftp".*http:\/\/host:4444/);
    assert.throws(
      () => parseGridUrl('http://user:topsecret@'),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /not a valid URL/);
        assert.ok(!error.message.includes('topsecret'), error.message);
        return true;
      },
    );
  });
});
