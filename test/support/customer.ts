/**
 * The customer's side of the demo: the owner of the endpoint services lists and accepts or rejects
 * endpoint connections through the simulated VPCEP API, with a token, as on the real cloud.
 */
import assert from 'node:assert/strict';
import { CUSTOMER_ACCOUNT } from '../../src/simulator/demo.ts';
import type { Harness } from './harness.ts';

export interface ServiceConnection {
  id: string;
  status: string;
}

export async function customerConnections(harness: Harness, token: string, serviceId: string) {
  const url = `${harness.simulator.url}/v1/${CUSTOMER_ACCOUNT.projectId}/vpc-endpoint-services/${serviceId}/connections`;
  const response = await fetch(url, { headers: { 'X-Auth-Token': token } });
  assert.equal(response.status, 200);
  return (await response.json()).connections as ServiceConnection[];
}

export async function customerAction(
  harness: Harness,
  token: string,
  serviceId: string,
  action: 'receive' | 'reject',
  endpointId: string,
): Promise<void> {
  const url = `${harness.simulator.url}/v1/${CUSTOMER_ACCOUNT.projectId}/vpc-endpoint-services/${serviceId}/connections/action`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ action, endpoints: [endpointId] }),
  });
  assert.equal(response.status, 200);
}
