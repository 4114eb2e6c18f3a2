// Regenerates the README's screenshots (docs/images/console-*.png) from a real NameServer with
// simulated brokers: the scenario of the browser tests. Run with `npm run screenshots`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, launchChromium, NO_CHROMIUM } from '../dist/test/support/browser.js';
import { startConsoleScenario } from '../dist/test/support/console-scenario.js';
import { startReplicasScenario } from '../dist/test/support/replicas-scenario.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const chromium = findChromium();
if (!chromium) {
  console.error(NO_CHROMIUM);
  process.exit(1);
}

const scenario = await startConsoleScenario();
const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1200 }, colorScheme: 'light' });
  const save = async (name) => {
    const file = path.join(root, 'docs', 'images', `console-${name}.png`);
    // As tall as the content, not the window.
    const main = await page.locator('main').boundingBox();
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(main.y + main.height) } });
    console.log(`wrote ${path.relative(root, file)}`);
  };

  await page.goto(`${scenario.url}#/nameservers`);
  await page.waitForFunction('document.getElementById("ns-addrs").value !== ""');
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.locator('.verdict').waitFor();
  await save('nameservers');

  // A fuller cluster than the tests need, with heartbeats of several ages.
  scenario.primary.clock.advance(30_000);
  await scenario.addBroker({ brokerName: 'broker-b', brokerId: 1, brokerAddr: '10.10.0.22:10911', haServerAddr: '10.10.0.22:10912', zoneName: 'zone-west', enableActingMaster: true });
  await scenario.addBroker({ clusterName: 'OrderCluster', brokerName: 'broker-d', brokerAddr: '10.10.1.21:10911', haServerAddr: '10.10.1.21:10912', zoneName: 'zone-west' });

  await page.goto(`${scenario.url}#/brokers`);
  await page.locator('tbody tr', { hasText: 'broker-c' }).waitFor();
  await save('brokers');

  // The controller's view, just after broker-a's master fell silent and its slave was elected.
  const replicas = await startReplicasScenario();
  try {
    await page.goto(`${replicas.url}#/replicas`);
    await page.locator('tr[data-replica="DefaultCluster/broker-a/2"]').waitFor();
    await replicas.masterFallsSilent();
    await replicas.controller.service.scanHeartbeats();
    await page.locator('.departures li', { hasText: 'new master 2' }).waitFor();
    await save('replicas');
  } finally {
    await replicas.stop();
  }
} finally {
  await browser.close();
  await scenario.stop();
}
