import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { topic } from '../support/fake-broker.js';
import { findChromium, launchChromium, NO_CHROMIUM, keepScreenshot, visible, WAIT_MS } from '../support/browser.js';
import { startConsoleScenario, type ConsoleScenario } from '../support/console-scenario.js';
import { startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';

const chromiumPath = findChromium();

function row(page: Page, text: string | RegExp): Locator {
  return page.locator('tbody tr', { hasText: text });
}

async function gone(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'detached', timeout: WAIT_MS });
}

async function cells(locator: Locator): Promise<string[]> {
  return (await locator.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

describe('web console in Chromium', { skip: chromiumPath ? false : NO_CHROMIUM }, () => {
  let scenario: ConsoleScenario;
  let browser: Browser;
  let page: Page;

  before(async () => {
    scenario = await startConsoleScenario();
    browser = await launchChromium(chromiumPath!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await scenario?.stop();
  });

  const open = (hash: string) => page.goto(`${scenario.url}#${hash}`);
  const screenshot = (name: string) => keepScreenshot(page, name);

  test('Overview shows the version, the listen address and the counts', async () => {
    await open('/');
    const liveBrokers = page.locator('.card', { hasText: 'Live brokers' });
    await visible(liveBrokers.filter({ hasText: '4' }));
    assert.match(await page.locator('.card', { hasText: 'Remoting' }).innerText(), new RegExp(`127\\.0\\.0\\.1:${scenario.primary.port}`));
    assert.match(await page.locator('.card', { hasText: 'Clusters' }).innerText(), /\b2\b/);
    await screenshot('overview');
  });

  test('Overview charts the request rate and route-lookup time between two polls of the counters', async () => {
    const firstPoll = page.waitForResponse((r) => r.url().endsWith('/api/v1/stats'), { timeout: WAIT_MS });
    await open('/');
    await firstPoll;
    scenario.primary.clock.advance(5000);
    const client = new NameServerClient({ nameServers: scenario.primaryAddress });
    try {
      for (let i = 0; i < 20; i++) await client.getTopicRoute('TopicTest');
    } finally {
      await client.close();
    }
    const requests = page.locator('.chart', { hasText: 'Requests' }).locator('.chart-value', { hasText: 'req/s' });
    await visible(requests);
    assert.ok(Number.parseFloat(await requests.innerText()) >= 4, await requests.innerText());
    const lookup = page.locator('.chart', { hasText: 'Route lookup' }).locator('.chart-value', { hasText: 'ms' });
    assert.ok(Number.parseFloat(await lookup.innerText()) > 0, await lookup.innerText());
  });

  test('Brokers lists one row per broker address, with its role, zone and data version', async () => {
    await open('/brokers');
    await visible(row(page, '10.10.1.11:10911'));
    assert.equal(await page.locator('table.brokers tbody tr').count(), 4);
    const slave = await cells(row(page, '10.10.0.12:10911'));
    assert.deepEqual(slave.slice(0, 5), ['DefaultCluster', 'broker-a', '1 slave', 'zone-east', '10.10.0.12:10911']);
    assert.equal(slave[5], '10.10.0.12:10912');
    assert.equal(slave[6], '4');
    const c = await cells(row(page, '10.10.1.11:10911'));
    assert.deepEqual([c[0], c[1], c[2], c[6], c[7]], ['OrderCluster', 'broker-c', '0 master', '2', '2']);
    assert.match((await cells(row(page, 'broker-b')))[1]!, /broker-b AM/);
    await screenshot('brokers');
  });

  test('Brokers filter and sort from the keyboard', async () => {
    await open('/brokers');
    await visible(row(page, 'broker-c'));
    await page.getByLabel('Filter brokers').fill('zone-west');
    await page.waitForFunction('document.querySelectorAll("table.brokers tbody tr").length === 1', null, { timeout: WAIT_MS });
    assert.match(await page.locator('table.brokers tbody tr').innerText(), /broker-b/);
    await page.getByLabel('Filter brokers').fill('');
    await page.getByRole('button', { name: /^Broker/ }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await visible(page.locator('th[aria-sort="descending"]', { hasText: 'Broker' }));
    assert.match(await page.locator('table.brokers tbody tr').first().innerText(), /broker-c/);
  });

  test('a broker appears when it registers and visibly leaves when its connection closes', async () => {
    await open('/brokers');
    await visible(row(page, 'broker-a'));
    const broker = await scenario.addBroker({ brokerName: 'broker-x', brokerAddr: '10.10.9.9:10911', topics: [topic('TopicX1'), topic('TopicX2')] });
    await visible(row(page, '10.10.9.9:10911'));
    broker.connection.close();
    await gone(row(page, '10.10.9.9:10911'));
    await visible(page.locator('.departures li', { hasText: /broker-x .* at 10\.10\.9\.9:10911 left at/ }));
    await screenshot('broker-left');
  });

  test('Topics search by prefix, and a topic page shows its queues and permissions in words', async () => {
    await open('/topics');
    await visible(row(page, 'TopicTest'));
    await page.getByLabel('Topic name prefix').fill('Pay');
    await page.waitForFunction('document.querySelectorAll("tbody tr").length === 1', null, { timeout: WAIT_MS });
    await page.getByRole('link', { name: 'Payments' }).click();
    await visible(page.locator('h1', { hasText: 'Payments' }));
    await visible(row(page, 'broker-a'));
    const a = await cells(row(page, 'broker-a'));
    assert.deepEqual([a[0], a[1], a[4], a[5], a[6]], ['broker-a', 'DefaultCluster', '16', '16', 'read, write']);
    assert.match(a[3]!, /10\.10\.0\.11:10911 master 10\.10\.0\.12:10911 slave 1/);
    await open('/topics/Notifications');
    await visible(row(page, 'broker-b'));
    assert.equal((await cells(row(page, 'broker-b')))[6], 'read');
    await screenshot('topic-route');
  });

  test('Topics filter by cluster, and an ordered topic shows its order config', async () => {
    await open('/topics');
    await visible(row(page, 'TopicTest'));
    await page.getByLabel('Cluster').selectOption('OrderCluster');
    await page.waitForFunction('document.querySelectorAll("tbody tr").length === 2', null, { timeout: WAIT_MS });
    assert.deepEqual(await page.locator('tbody tr td:first-child').allInnerTexts(), ['OrderEvents', 'TopicTest']);
    await open('/topics/OrderEvents');
    await visible(page.locator('.facts', { hasText: 'broker-c:8' }));
  });

  test('KV and Config show the entries and the effective settings', async () => {
    await open('/kv');
    await visible(row(page, 'OrderEvents'));
    assert.match(await row(page, 'OrderEvents').innerText(), /broker-c:8/);
    await open('/config');
    await page.getByLabel('Filter settings').fill('consoleNameServers');
    await visible(row(page, scenario.secondaryAddress));
  });

  test('NameServers reports what the second NameServer is missing and where they differ', async () => {
    await open('/nameservers');
    const input = page.getByLabel('NameServers', { exact: true });
    await page.waitForFunction('document.getElementById("ns-addrs").value !== ""', null, { timeout: WAIT_MS });
    assert.equal(await input.inputValue(), `${scenario.primaryAddress};${scenario.secondaryAddress}`);
    await page.getByRole('button', { name: 'Compare' }).click();
    await visible(page.locator('.verdict', { hasText: 'The NameServers disagree' }));
    const missing = await cells(page.locator('[data-section="brokers"] tbody tr', { hasText: 'broker-c' }));
    assert.deepEqual(missing.slice(1), ['present', 'missing']);
    assert.deepEqual(await page.locator('[data-section="topics"] tbody td:first-child').allInnerTexts(), ['OrderEvents']);
    const paymentsRow = page.locator('[data-section="routes"] tbody tr', { hasText: 'Payments' });
    const payments = await cells(paymentsRow);
    assert.match(payments[1]!, /broker-a · 16 read \/ 16 write queues · read, write/);
    assert.match(payments[2]!, /broker-a · 8 read \/ 8 write queues · read, write/);
    // The lines that differ are marked: both brokers' queue counts differ here.
    assert.equal(await paymentsRow.locator('li.differs').count(), 4);
    const topicTest = page.locator('[data-section="routes"] tbody tr', { hasText: 'TopicTest' });
    assert.deepEqual(await topicTest.locator('li.differs strong').allInnerTexts(), ['broker-c']);
    await screenshot('nameservers');
  });
});

describe('web console of a NameServer with aclEnable=true, in Chromium', { skip: chromiumPath ? false : NO_CHROMIUM }, () => {
  let ns: RunningNameServer;
  let browser: Browser;
  let page: Page;
  const apiCalls: { path: string; authorization: string | undefined }[] = [];

  before(async () => {
    const home = tempDir('console-acl-');
    const aclFile = path.join(home, 'plain_acl.yml');
    fs.writeFileSync(
      aclFile,
      'accounts:\n  - {accessKey: console-admin, secretKey: "admin-secret", admin: true}\n  - {accessKey: console-reader, secretKey: "reader-secret", admin: false}\n',
    );
    ns = await startNameServer({ homeDir: home, security: { aclEnable: true, aclFile }, http: { consoleNameServers: '127.0.0.1:1' } });
    browser = await launchChromium(chromiumPath!);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push({ path: url.pathname, authorization: request.headers().authorization });
    });
  });

  after(async () => {
    await browser?.close();
    await ns?.stop();
  });

  const url = () => `http://127.0.0.1:${ns.httpPort}/`;
  const loginForm = () => page.getByRole('form', { name: 'Sign in' });

  async function signIn(accessKey: string, secretKey: string): Promise<void> {
    await page.getByLabel('Access key').fill(accessKey);
    await page.getByLabel('Secret key').fill(secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  test('asks for an account, refuses a wrong one, and then sends it on every API call', async () => {
    await page.goto(`${url()}#/`);
    await visible(loginForm());
    await signIn('console-admin', 'not-the-secret');
    await visible(page.getByRole('alert').filter({ hasText: 'unknown accessKey or wrong secretKey' }));
    await keepScreenshot(page, 'sign-in');
    apiCalls.length = 0;
    await signIn('console-admin', 'admin-secret');
    await visible(page.locator('.card', { hasText: 'Remoting' }));
    await gone(loginForm());
    const expected = `Basic ${Buffer.from('console-admin:admin-secret').toString('base64')}`;
    assert.ok(apiCalls.length > 0);
    assert.deepEqual(apiCalls.filter((c) => c.authorization !== expected), []);
  });

  test('keeps the account for the browser session: a reload does not ask again', async () => {
    await page.goto(`${url()}#/kv`);
    await page.reload();
    await visible(page.getByLabel('Filter KV entries'));
    assert.equal(await loginForm().count(), 0);
  });

  test('asks again when the server answers 401', async () => {
    // As if the account's secret changed since the sign-in: the stored keys are refused from now on.
    await page.evaluate(`sessionStorage.setItem('console.account', 'Basic ${Buffer.from('console-admin:changed-since').toString('base64')}')`);
    await page.goto(`${url()}#/config`);
    await visible(loginForm());
    await visible(page.getByRole('alert').filter({ hasText: 'unknown accessKey or wrong secretKey' }));
    await signIn('console-reader', 'reader-secret');
    await page.getByLabel('Filter settings').fill('aclEnable');
    await visible(row(page, 'true'));
  });

  test('a reader account may read but not compare NameServers (the comparison connects elsewhere)', async () => {
    await page.goto(`${url()}#/nameservers`);
    await page.waitForFunction('document.getElementById("ns-addrs").value !== ""', null, { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Compare' }).click();
    await visible(page.locator('.note-error', { hasText: 'needs an admin account' }));
    assert.equal(await loginForm().count(), 0, 'a 403 is not a reason to sign in again');
  });
});
