/**
 * Extra fixture steps of the chaos suite (plain CommonJS appended to the fixture's steps). They act on the
 * lab's admin surface (`CHAOS_LAB_URL`) or the manager API from inside a scenario, the way an operator or
 * an outage would hit a running suite.
 */
export const CHAOS_STEPS = `
const { When: WhenChaos } = require('@cucumber/cucumber');

WhenChaos('a short pause', async function () {
  await new Promise((resolve) => setTimeout(resolve, 700));
});

WhenChaos('I keep looking at the screen for a while', { timeout: 60000 }, async function () {
  process.stdout.write('\\nCHAOS-MID-SCENARIO\\n');
  for (let i = 0; i < 12; i++) {
    await this.driver.takeScreenshot();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
});

WhenChaos('the manager goes away as this scenario ends', async function () {
  process.stdout.write('\\nCHAOS-OUTAGE-NOW\\n');
  // The row takes the manager down on the marker; the After hook of this scenario then meets the outage.
  await new Promise((resolve) => setTimeout(resolve, 1500));
});

// The real manager ends the run's Grid sessions on cancel, force-release and expiry; the lab only ends
// them in its own books, so the steps end the Grid session too.
async function endGridSession(world) {
  await fetch(process.env.GRID_URL + '/session/' + world.driver.sessionId, { method: 'DELETE' });
}

WhenChaos('an operator force-releases the run', async function () {
  const response = await fetch(process.env.GRIDFLEET_API_URL + '/runs/' + this.runId + '/force-release', { method: 'POST' });
  if (!response.ok) throw new Error('force-release failed: ' + response.status);
  await endGridSession(this);
  await new Promise((resolve) => setTimeout(resolve, 2500));
});

WhenChaos('the run misses its heartbeats long enough to expire', async function () {
  const response = await fetch(process.env.CHAOS_LAB_URL + '/lab/clock', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_sec: 600, sweep: true }),
  });
  if (!response.ok) throw new Error('clock advance failed: ' + response.status);
  await endGridSession(this);
  await new Promise((resolve) => setTimeout(resolve, 2500));
});
`;
