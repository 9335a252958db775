/** The text `npm start` prints for a newcomer: where things listen, the demo logins and a walkthrough. */
import {
  CUSTOMER_ACCOUNT,
  DEMO_ACCOUNT,
  DEMO_REGION,
  DEMO_SERVICES,
  serviceName,
} from '../simulator/demo.ts';

export function startBanner(apiUrl: string, simulatorUrl: string | undefined, region: string): string {
  if (!simulatorUrl) {
    return `vpcep-connect is listening on ${apiUrl} (region ${region}, real IAM and VPCEP endpoints).\n`;
  }

  const demoRegion = region || DEMO_REGION;
  const auto = serviceName(DEMO_SERVICES.auto, demoRegion);
  const tokenBody = JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            domain: { name: DEMO_ACCOUNT.domainName },
            name: DEMO_ACCOUNT.userName,
            password: DEMO_ACCOUNT.password,
          },
        },
      },
      scope: { project: { name: demoRegion } },
    },
  });

  return `
vpcep-connect is running on embedded defaults.

  API:               ${apiUrl}   (OpenAPI document: ${apiUrl}/openapi.json)
  IAM and VPCEP:     ${simulatorUrl}   (simulator)
  Region:            ${demoRegion}
  Demo user:         ${DEMO_ACCOUNT.userName} / ${DEMO_ACCOUNT.password} in domain ${DEMO_ACCOUNT.domainName}, project ${DEMO_ACCOUNT.projectId}
  Customer user:     ${CUSTOMER_ACCOUNT.userName} / ${CUSTOMER_ACCOUNT.password} in domain ${CUSTOMER_ACCOUNT.domainName} (owns the endpoint services)
  Endpoint services: ${auto} (approval off)
                     ${serviceName(DEMO_SERVICES.approval, demoRegion)} (approval on)
                     ${serviceName(DEMO_SERVICES.private, demoRegion)} (does not whitelist the platform)

Walkthrough (paste into a second terminal):

# 1. Get a token for the demo user; IAM returns it in the X-Subject-Token header.
TOKEN=$(curl -s -D - -o /dev/null ${simulatorUrl}/v3/auth/tokens -H 'Content-Type: application/json' \\
  -d '${tokenBody}' | awk 'tolower($1)=="x-subject-token:" {print $2}' | tr -d '\\r')
[ -n "$TOKEN" ] || echo 'No token: is npm start running, with the simulator on ${simulatorUrl}?' >&2
PROJECT_ID=${DEMO_ACCOUNT.projectId}

# 2. Find the workspace id that the X-Workspace-Id header needs.
WORKSPACE_ID=$(curl -s ${apiUrl}/v1/$PROJECT_ID/workspaces -H "X-Auth-Token: $TOKEN" \\
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const b=JSON.parse(s);if(!b.page_data){console.error(s);process.exit(1)}console.log(b.page_data[0].id)})')

# 3. Verify the endpoint service and create a VPC endpoint to it.
curl -s -X POST ${apiUrl}/v1/$PROJECT_ID/connections/vpc-endpoint \\
  -H "X-Auth-Token: $TOKEN" -H "X-Workspace-Id: $WORKSPACE_ID" -H 'Content-Type: application/json' \\
  -d '{"ds_type": "DWS", "vpc_ep_server_name": "${auto}"}'
`;
}
