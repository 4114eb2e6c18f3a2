import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { findChromium, launchChromium, NO_CHROMIUM, keepScreenshot, visible, WAIT_MS } from '../support/browser.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { startTestController } from '../controller/controller-harness.js';
import { startReplicasScenario, storeWhere, type ReplicasScenario } from '../support/replicas-scenario.js';

const chromiumPath = findChromium();

/** The text colour the page gives an element (evaluated in the browser). */
function colourOf(locator: Locator): Promise<string> {
  return locator.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
}

function card(page: Page, label: string): Locator {
  return page.locator('.card').filter({ has: page.locator('.card-label', { hasText: new RegExp(`^${label}$`) }) });
}

/** A replica's own cells (ID, address, role, in sync, alive, last heartbeat, max offset), without its broker set's. */
async function replicaCells(page: Page, set: string, id: number): Promise<string[]> {
  const cells = await page.locator(`tr[data-replica="${set}/${id}"] td`).allInnerTexts();
  return cells.map((t) => t.replace(/\s+/g, ' ').trim()).slice(-7);
}

describe('the console\'s Replicas page, in Chromium', { skip: chromiumPath ? false : NO_CHROMIUM }, () => {
  let scenario: ReplicasScenario;
  let plain: RunningNameServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    scenario = await startReplicasScenario();
    plain = await startNameServer();
    browser = await launchChromium(chromiumPath!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await scenario?.stop();
    await plain?.stop();
  });

  const screenshot = (name: string) => keepScreenshot(page, name);

  test('is in the navigation, and says where the controller runs, that it leads, and on which store', async () => {
    await page.goto(`${scenario.url}#/`);
    await page.getByRole('link', { name: 'Replicas' }).click();
    await visible(page.locator('h1', { hasText: 'Replicas' }));
    assert.equal(await page.getByRole('link', { name: 'Replicas' }).getAttribute('aria-current'), 'page');
    const address = scenario.controller.selfAddress;
    await visible(card(page, 'This controller'));
    assert.equal(await card(page, 'This controller').locator('.card-value').innerText(), `${address} leader`);
    assert.equal(await card(page, 'Leader').locator('.card-value').innerText(), address);
    assert.equal(await card(page, 'Store').locator('.card-value').innerText(), 'file');
  });

  test('shows a broker set with its master alive and a slave in the sync state set, then the slave as master once the master\'s heartbeat lapses', async () => {
    const { master, slave, controller } = scenario;
    await page.goto(`${scenario.url}#/replicas`);
    await visible(page.locator('tr[data-replica="DefaultCluster/broker-a/2"]'));
    assert.deepEqual(await replicaCells(page, 'DefaultCluster/broker-a', 1), ['1', master.address, 'master', 'in sync', 'alive', '0s ago', '2048']);
    assert.deepEqual(await replicaCells(page, 'DefaultCluster/broker-a', 2), ['2', slave.address, 'slave', 'in sync', 'alive', '0s ago', '1024']);
    const brokerA = await page.locator('tbody[data-set="DefaultCluster/broker-a"] tr').first().locator('td').allInnerTexts();
    assert.deepEqual(brokerA.slice(0, 3), ['DefaultCluster', '1', '2'], 'cluster, master epoch, sync-state-set epoch');
    await screenshot('replicas');

    await scenario.masterFallsSilent();
    await controller.service.scanHeartbeats();
    const newMaster = page.locator('tr[data-replica="DefaultCluster/broker-a/2"]', { hasText: 'master' });
    await visible(newMaster);
    assert.deepEqual(await replicaCells(page, 'DefaultCluster/broker-a', 2), ['2', slave.address, 'master', 'in sync', 'alive', '5s ago', '1024']);
    assert.deepEqual(await replicaCells(page, 'DefaultCluster/broker-a', 1), ['1', master.address, 'slave', 'out of sync', 'not alive', 'none', '–']);
    const epochs = await page.locator('tbody[data-set="DefaultCluster/broker-a"] tr').first().locator('td').allInnerTexts();
    assert.deepEqual(epochs.slice(0, 3), ['DefaultCluster', '2', '3']);
    await visible(page.locator('.departures li', { hasText: new RegExp(`broker-a \\(DefaultCluster\\): new master 2 at ${slave.address}, was 1, master epoch 2`) }));
    assert.match(await page.locator('.summary').innerText(), /2 broker sets, 3 replicas · 0 without master · 1 not alive · 1 out of sync/);

    // Marked in colour as well as in words: the lapsed replica's tags are not the live ones'.
    const dead = page.locator('tr[data-replica="DefaultCluster/broker-a/1"] .tag', { hasText: 'not alive' });
    const live = page.locator('tr[data-replica="DefaultCluster/broker-a/2"] .tag', { hasText: /^alive$/ });
    const outOfSync = page.locator('tr[data-replica="DefaultCluster/broker-a/1"] .tag', { hasText: 'out of sync' });
    assert.notEqual(await colourOf(dead), await colourOf(live));
    assert.notEqual(await colourOf(outOfSync), await colourOf(live));
    await screenshot('replicas-failover');
  });

  test('filters broker sets from the keyboard', async () => {
    await page.goto(`${scenario.url}#/replicas`);
    await visible(page.locator('tbody[data-set="DefaultCluster/broker-b"]'));
    await page.getByLabel('Filter broker sets').focus();
    await page.keyboard.type(scenario.lone.address);
    await page.waitForFunction('document.querySelectorAll("table.replicas tbody").length === 1', null, { timeout: WAIT_MS });
    assert.equal(await page.locator('table.replicas tbody').getAttribute('data-set'), 'DefaultCluster/broker-b');
  });

  test('in dark mode the marks keep their words and take the dark palette', async () => {
    const dark = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    try {
      await dark.goto(`${scenario.url}#/replicas`);
      const dead = dark.locator('tr[data-replica="DefaultCluster/broker-a/1"] .tag', { hasText: 'not alive' });
      await visible(dead);
      assert.equal(await colourOf(dead), 'rgb(255, 123, 114)');
      await keepScreenshot(dark, 'replicas-dark');
    } finally {
      await dark.close();
    }
  });

  test('a NameServer without a controller says it is off and how to turn it on', async () => {
    await page.goto(`http://127.0.0.1:${plain.httpPort}/#/replicas`);
    const off = page.locator('.empty', { hasText: 'The controller is off on this NameServer' });
    await visible(off);
    assert.match(await off.innerText(), /enableControllerInNamesrv=true/);
    assert.equal(await page.locator('table.replicas').count(), 0);
  });

  test('a follower names the leader and says why it shows no broker sets', async () => {
    const follower = await startTestController(
      { controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379' },
      { createStore: () => storeWhere({ role: 'follower', leaderAddress: '127.0.0.1:9868' }) },
    );
    try {
      plain.app.attachController(follower);
      await page.goto(`http://127.0.0.1:${plain.httpPort}/#/replicas`);
      await visible(page.locator('.note', { hasText: 'This controller is a follower' }));
      assert.equal(await card(page, 'This controller').locator('.card-value').innerText(), `${follower.selfAddress} follower`);
      assert.equal(await card(page, 'Leader').locator('.card-value').innerText(), '127.0.0.1:9868');
      assert.equal(await card(page, 'Store').locator('.card-value').innerText(), 'etcd');
      assert.equal(await page.locator('table.replicas').count(), 0);
    } finally {
      await follower.stop();
    }
  });
});
