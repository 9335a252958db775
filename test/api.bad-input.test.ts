import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from './support/harness.ts';

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

const LONG = 'x'.repeat(5000);

const CASES: Case[] = [
  { name: 'body is a number', method: 'POST', path: '/connections/vpc-endpoint', body: '42' },
  { name: 'body is null', method: 'POST', path: '/connections/vpc-endpoint', body: 'null' },
  { name: 'body is a string', method: 'POST', path: '/connections/vpc-endpoint', body: '"DWS"' },
  {
    name: 'ds_type is an array',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":["DWS"]}',
  },
  {
    name: 'ds_type is empty',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"","vpc_ep_server_id":"a"}',
  },
  {
    name: 'name is an object',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"DWS","vpc_ep_server_name":{}}',
  },
  {
    name: 'id is a number',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"DWS","vpc_ep_server_id":7}',
  },
  {
    name: 'name with unicode',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"DWS","vpc_ep_server_name":"cn-north-4.数据.库"}',
  },
  {
    name: 'name of only dots',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"DWS","vpc_ep_server_name":"..."}',
  },
  {
    name: 'id with a slash',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"DWS","vpc_ep_server_id":"a/b"}',
  },
  {
    name: 'duplicate keys',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: '{"ds_type":"DWS","ds_type":5}',
  },
  {
    name: 'deeply nested body',
    method: 'POST',
    path: '/connections/vpc-endpoint',
    body: `${'['.repeat(2000)}${']'.repeat(2000)}`,
  },
  { name: 'connection id too long', method: 'GET', path: `/connections/vpc-endpoint/${LONG}` },
  { name: 'connection id of symbols', method: 'GET', path: '/connections/vpc-endpoint/%25%00%ff' },
  { name: 'delete unknown id', method: 'DELETE', path: '/connections/vpc-endpoint/not-a-connection' },
  { name: 'limit is text', method: 'GET', path: '/connections/vpc-endpoint?limit=ten' },
  { name: 'offset is negative', method: 'GET', path: '/connections/vpc-endpoint?offset=-1' },
  { name: 'unknown query parameter', method: 'GET', path: '/connections/vpc-endpoint?colour=blue' },
  { name: 'workspace name too long', method: 'GET', path: `/workspaces?name=${'n'.repeat(200)}` },
  {
    name: 'workspace header too long',
    method: 'GET',
    path: '/connections/vpc-endpoint',
    headers: { 'x-workspace-id': LONG },
  },
  { name: 'token too long', method: 'GET', path: '/workspaces', headers: { 'x-auth-token': LONG } },
];

describe('bad input', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  for (const item of CASES) {
    test(`${item.name} is a 4xx`, async () => {
      const response = await harness.app.inject({
        method: item.method,
        url: `/v1/${harness.projectId}${item.path}`,
        headers: {
          'x-auth-token': harness.token,
          'x-workspace-id': harness.workspaceId,
          ...(item.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...item.headers,
        },
        payload: item.body,
      });

      assert.ok(response.statusCode >= 400, `status ${response.statusCode}`);
      assert.ok(response.statusCode < 500, `status ${response.statusCode}`);
      assert.ok(response.headers['x-request-id'], 'X-Request-Id is set');
      assert.match(response.json().error_code, /^DataArtsInsight\.\d{8}$/);
      assert.ok(response.json().error_msg.length > 0);
    });
  }
});
