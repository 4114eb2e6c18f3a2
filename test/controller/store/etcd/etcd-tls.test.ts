import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultControllerConfig } from '../../../../src/controller/config/controller-config.js';
import type { ControllerStore } from '../../../../src/controller/store/controller-store.js';
import { etcdStoreOptions } from '../../../../src/controller/store/create-store.js';
import { createEtcdStore, type EtcdStoreOptions } from '../../../../src/controller/store/etcd/index.js';
import { silentLogger } from '../../../../src/util/logger.js';
import { ETCD_MISSING, startEtcdCluster, type EtcdCluster } from '../../../support/etcd-cluster.js';
import { isLeader, leadershipOf } from '../../../support/etcd-store-process.js';
import { askTls, makeTestCertificates, OPENSSL_MISSING, type TestCertificates } from '../../../support/etcd-tls.js';
import { tempDir } from '../../../support/nameserver-harness.js';
import { until } from '../../../support/until.js';

const PASSWORD = 'controller-secret';

describe('etcd controller store over TLS, with a client certificate and an etcd user', { skip: ETCD_MISSING || OPENSSL_MISSING }, () => {
  let etcd: EtcdCluster;
  let certificates: TestCertificates;
  const stores: ControllerStore[] = [];
  let group = 0;

  before(async () => {
    certificates = makeTestCertificates(path.join(tempDir('etcd-tls-'), 'pki'));
    etcd = await startEtcdCluster(1, { tls: certificates });
    const url = etcd.endpoints[0];
    for (const [call, body] of [
      ['user/add', { name: 'root', password: 'root-secret' }],
      ['user/grant', { user: 'root', role: 'root' }],
      ['user/add', { name: 'controller', password: PASSWORD }],
      ['role/add', { name: 'controller' }],
      // Every key of the stores' prefix: from '/rocketmq/controller/' up to '/rocketmq/controller0'.
      ['role/grant', { name: 'controller', perm: { permType: 'READWRITE', key: b64('/rocketmq/controller/'), range_end: b64('/rocketmq/controller0') } }],
      ['user/grant', { user: 'controller', role: 'controller' }],
      ['enable', {}],
    ] as const) {
      const answer = await askTls(`${url}/v3/auth/${call}`, certificates, body);
      assert.equal(answer.status, 200, `auth/${call}: ${JSON.stringify(answer.body)}`);
    }
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await etcd?.stop();
  });

  const pem = (file: string) => fs.readFileSync(file, 'utf8');
  function store(overrides: Partial<EtcdStoreOptions> = {}): ControllerStore {
    group++;
    const created = createEtcdStore({
      endpoints: etcd.endpoints, group: `tls-${group}`, selfAddress: '10.0.0.1:9878', leaseTtlSeconds: 2, logger: silentLogger(),
      tls: { ca: pem(certificates.caFile), cert: pem(certificates.clientCertFile), key: pem(certificates.clientKeyFile) },
      auth: { user: 'controller', password: PASSWORD },
      ...overrides,
    });
    stores.push(created);
    return created;
  }

  it('leads, commits and reads; authenticates again when etcd forgets its token', async () => {
    const one = store();
    const leadership = leadershipOf(one);
    await one.start();
    await leadership.until(isLeader);
    await one.commit([{ key: 'broker-a', value: '{"epoch":1}' }]);
    // A password change (to the same password) makes etcd forget every token of the user.
    const root = await askTls(`${etcd.endpoints[0]}/v3/auth/authenticate`, certificates, { name: 'root', password: 'root-secret' });
    const changed = await askTls(`${etcd.endpoints[0]}/v3/auth/user/changepw`, certificates, { name: 'controller', password: PASSWORD }, { authorization: String(root.body.token) });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await one.commit([{ key: 'broker-b', value: '{"epoch":1}' }]);
    assert.deepEqual(await one.readAll(), new Map([['broker-a', '{"epoch":1}'], ['broker-b', '{"epoch":1}']]));
  });

  it('a wrong password, or no client certificate: unavailable, saying why', async () => {
    // A busy machine may first see a call time out: wait for the reason the refusal gives.
    const unavailableFor = (store: ControllerStore, reason: RegExp) =>
      until(() => {
        const leadership = store.leadership();
        return leadership.role === 'unavailable' && reason.test(leadership.reason);
      });

    const wrongPassword = store({ auth: { user: 'controller', password: 'not it' } });
    await wrongPassword.start();
    await unavailableFor(wrongPassword, /authentication failed/);

    const noCertificate = store({ tls: { ca: pem(certificates.caFile) } });
    await noCertificate.start();
    await unavailableFor(noCertificate, /bad certificate|certificate required|socket hang up|ECONNRESET/);

    const unknownCa = store({ tls: { cert: pem(certificates.clientCertFile), key: pem(certificates.clientKeyFile) } });
    await unknownCa.start();
    await unavailableFor(unknownCa, /unable to verify the first certificate/);
  });

  it('is what the controllerEtcd* settings build, the PEM files read at start-up', async () => {
    const config = {
      ...defaultControllerConfig('/home/u'),
      controllerStore: 'etcd', controllerDLegerGroup: 'tls-settings', controllerEtcdEndpoints: etcd.endpoints.join(','), controllerEtcdLeaseTtlSeconds: 2,
      controllerEtcdCaFile: certificates.caFile, controllerEtcdCertFile: certificates.clientCertFile, controllerEtcdKeyFile: certificates.clientKeyFile,
      controllerEtcdUser: 'controller', controllerEtcdPassword: PASSWORD,
    };
    const common = { homeDir: '/home/u', selfAddress: '10.0.0.9:9878', selfId: 'n0', logger: silentLogger() };
    const fromSettings = createEtcdStore(etcdStoreOptions({ config, ...common }));
    stores.push(fromSettings);
    const leadership = leadershipOf(fromSettings);
    await fromSettings.start();
    await leadership.until(isLeader);
    await fromSettings.commit([{ key: 'broker-a', value: '1' }]);
    assert.throws(() => etcdStoreOptions({ config: { ...config, controllerEtcdCertFile: '/nonexistent/client.crt' }, ...common }), /^Error: controllerEtcdCertFile: cannot read \/nonexistent\/client\.crt/);
  });
});

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}
