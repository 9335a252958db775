import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CUSTOMER_ACCOUNT, DEMO_ACCOUNT, PLATFORM_ACCOUNT } from '../src/simulator/demo.ts';
import { passwordAuth, send, sendSigned, startTestSimulator } from './support/simulator.ts';

const IAM_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('simulator IAM token issue', () => {
  test('project-scoped token returns 201 and header', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });

    assert.equal(response.status, 201);
    const token = response.headers['x-subject-token'];
    assert.equal(typeof token, 'string');
    assert.match(token as string, /^MII[A-Za-z0-9_-]{300,}$/);
    assert.match(response.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  });

  test('project-scoped token body fields', async (t) => {
    const issuedAt = new Date('2026-03-01T08:00:00.123Z');
    const simulator = await startTestSimulator(t, { now: () => issuedAt });

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });
    const { token } = response.body;

    assert.equal(token.issued_at, '2026-03-01T08:00:00.123000Z');
    assert.equal(token.expires_at, '2026-03-02T08:00:00.123000Z');
    assert.match(token.issued_at, IAM_TIME);
    assert.deepEqual(token.methods, ['password']);
    assert.deepEqual(token.user, {
      id: DEMO_ACCOUNT.userId,
      name: DEMO_ACCOUNT.userName,
      domain: { id: DEMO_ACCOUNT.domainId, name: DEMO_ACCOUNT.domainName },
      password_expires_at: '',
    });
    assert.deepEqual(token.project, {
      id: DEMO_ACCOUNT.projectId,
      name: 'cn-north-4',
      domain: { id: DEMO_ACCOUNT.domainId, name: DEMO_ACCOUNT.domainName },
    });
    assert.equal(token.domain, undefined);
    assert.equal(token.roles[0].id, '0');
    assert.ok(token.catalog.length > 0);
  });

  test('project scope by id', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(CUSTOMER_ACCOUNT, { project: { id: CUSTOMER_ACCOUNT.projectId } }),
    });

    assert.equal(response.status, 201);
    assert.equal(response.body.token.project.id, CUSTOMER_ACCOUNT.projectId);
  });

  test('omitted scope gives domain token', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', { body: passwordAuth(DEMO_ACCOUNT) });

    assert.equal(response.status, 201);
    assert.deepEqual(response.body.token.domain, {
      id: DEMO_ACCOUNT.domainId,
      name: DEMO_ACCOUNT.domainName,
    });
    assert.equal(response.body.token.project, undefined);
  });

  test('nocatalog empties the catalog', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      query: { nocatalog: 'true' },
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });

    assert.equal(response.status, 201);
    assert.deepEqual(response.body.token.catalog, []);
  });

  test('user id with password authenticates', async (t) => {
    const simulator = await startTestSimulator(t);
    const body = {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { id: DEMO_ACCOUNT.userId, password: DEMO_ACCOUNT.password } },
        },
      },
    };

    const response = await send(simulator, 'POST', '/v3/auth/tokens', { body });

    assert.equal(response.status, 201);
    assert.equal(response.body.token.user.name, DEMO_ACCOUNT.userName);
  });

  test('wrong password returns 401', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth({ ...DEMO_ACCOUNT, password: 'not-the-password' }),
    });

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
    });
    assert.equal(response.headers['x-subject-token'], undefined);
  });

  test('user of another domain returns 401', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth({ ...DEMO_ACCOUNT, domainName: CUSTOMER_ACCOUNT.domainName }),
    });

    assert.equal(response.status, 401);
  });

  test('unknown project name returns 401', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'eu-west-0' } }),
    });

    assert.equal(response.status, 401);
    assert.equal(response.body.error.title, 'Unauthorized');
  });

  test('malformed body returns 400', async (t) => {
    const simulator = await startTestSimulator(t);
    const invalidBody = {
      error: { code: 400, message: 'The request body is invalid', title: 'Bad Request' },
    };

    const malformedJson = await send(simulator, 'POST', '/v3/auth/tokens', { rawBody: '{"auth": {' });
    const missingIdentity = await send(simulator, 'POST', '/v3/auth/tokens', { body: { auth: {} } });
    const missingDomain = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: {
        auth: { identity: { methods: ['password'], password: { user: { name: 'demo', password: 'x' } } } },
      },
    });

    assert.equal(malformedJson.status, 400);
    assert.deepEqual(malformedJson.body, invalidBody);
    assert.equal(missingIdentity.status, 400);
    assert.deepEqual(missingIdentity.body, invalidBody);
    assert.equal(missingDomain.status, 400);
  });
});

describe('simulator IAM token validation', () => {
  test('validate with X-Auth-Token returns 200', async (t) => {
    const simulator = await startTestSimulator(t);
    const issued = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });
    const token = issued.headers['x-subject-token'] as string;

    const response = await send(simulator, 'GET', '/v3/auth/tokens', {
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    });

    assert.equal(response.status, 200);
    assert.equal(response.headers['x-subject-token'], token);
    assert.deepEqual(response.body, issued.body);
  });

  test('validate with signed request returns 200', async (t) => {
    const simulator = await startTestSimulator(t);
    const issued = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });
    const token = issued.headers['x-subject-token'] as string;

    const response = await sendSigned(simulator, 'GET', '/v3/auth/tokens', {
      headers: { 'X-Subject-Token': token },
    });

    assert.equal(response.status, 200);
    assert.equal(response.headers['x-subject-token'], token);
    assert.equal(response.body.token.user.id, DEMO_ACCOUNT.userId);
    assert.equal(response.body.token.project.id, DEMO_ACCOUNT.projectId);
  });

  test('invalid subject token returns 404', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'GET', '/v3/auth/tokens', {
      headers: { 'X-Subject-Token': 'MIInot-a-real-token' },
    });

    assert.equal(response.status, 404);
    assert.deepEqual(response.body, {
      error: { code: 404, message: 'X-Subject-Token is invalid in the request', title: 'Not Found' },
    });
  });

  test('expired subject token returns 404', async (t) => {
    let now = new Date('2026-03-01T08:00:00Z');
    const simulator = await startTestSimulator(t, { now: () => now });
    const issued = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });
    const token = issued.headers['x-subject-token'] as string;

    now = new Date('2026-03-02T08:00:01Z');
    const response = await sendSigned(simulator, 'GET', '/v3/auth/tokens', {
      headers: { 'X-Subject-Token': token },
      signedAt: now,
    });

    assert.equal(response.status, 404);
  });

  test('no caller authentication returns 401', async (t) => {
    const simulator = await startTestSimulator(t);
    const issued = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(DEMO_ACCOUNT, { project: { name: 'cn-north-4' } }),
    });
    const token = issued.headers['x-subject-token'] as string;

    const response = await send(simulator, 'GET', '/v3/auth/tokens', {
      headers: { 'X-Subject-Token': token },
    });

    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 401);
    assert.equal(response.body.error.title, 'Unauthorized');
    assert.ok(!JSON.stringify(response.body).includes(token));
  });

  test('invalid caller token returns 401', async (t) => {
    const simulator = await startTestSimulator(t);
    const token = (await send(simulator, 'POST', '/v3/auth/tokens', { body: passwordAuth(DEMO_ACCOUNT) }))
      .headers['x-subject-token'] as string;

    const response = await send(simulator, 'GET', '/v3/auth/tokens', {
      headers: { 'X-Auth-Token': 'MIIwrong', 'X-Subject-Token': token },
    });

    assert.equal(response.status, 401);
  });
});

describe('simulator IAM other APIs', () => {
  test('projects by name returns caller project', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'GET', '/v3/projects', { query: { name: 'cn-north-4' } });

    assert.equal(response.status, 200);
    assert.equal(response.body.projects.length, 1);
    assert.equal(response.body.projects[0].id, PLATFORM_ACCOUNT.projectId);
    assert.equal(response.body.projects[0].domain_id, PLATFORM_ACCOUNT.domainId);
  });

  test('unknown IAM path returns 501', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'GET', '/v3/users');

    assert.equal(response.status, 501);
    assert.equal(response.body.error.code, 501);
    assert.equal(response.body.error.title, 'Not Implemented');
    assert.match(response.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  });
});
