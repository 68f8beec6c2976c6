/** A manager 422 VALIDATION_ERROR shows the reason from `details[].msg`, not only "Request validation failed". */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestLab, type TestLab } from '../../test/client/support/lab';
import { GridFleetClient } from './client';
import { GridFleetApiError } from './errors';

let lab: TestLab;
before(async () => {
  lab = await startTestLab();
});
after(() => lab.close());

test('oversized test data: the error names the 65536-byte limit and the size sent', async () => {
  const client = new GridFleetClient(lab.apiUrl, { env: {} });
  const [device] = await client.listDevices();
  assert.ok(device);
  await assert.rejects(
    client.replaceDeviceTestData(device.id, { blob: 'x'.repeat(70_000) }),
    (error: unknown) => {
      assert.ok(error instanceof GridFleetApiError);
      assert.equal(error.status, 422);
      assert.match(
        error.message,
        /Request validation failed \(body: .*test_data payload exceeds 65536 bytes \(got \d+\)\)/,
      );
      return true;
    },
  );
});
