/**
 * IAM user tokens: issuing them for a password identity, looking them up, and the `token` body that IAM
 * returns when it issues or validates one.
 */
import { randomBytes } from 'node:crypto';
import type { Account, IssuedToken, SimulatorState, TokenScope } from './state.ts';
import { formatIamTime } from './time.ts';

/** IAM tokens are valid for 24 hours. */
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Creates an opaque token. Real IAM tokens are PKI tokens of several kilobytes that start with `MII`. These keep
 * the prefix and are 515 characters long, so that clients do not come to rely on a short token.
 */
function newTokenValue(): string {
  return `MII${randomBytes(384).toString('base64url')}`;
}

export function issueToken(state: SimulatorState, account: Account, scope: TokenScope): IssuedToken {
  const issuedAt = state.now();
  const token: IssuedToken = {
    value: newTokenValue(),
    account,
    scope,
    methods: ['password'],
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + TOKEN_LIFETIME_MS),
  };

  dropExpiredTokens(state);
  state.tokens.set(token.value, token);
  return token;
}

/** Returns the token when it exists and has not expired on the state's clock. */
export function findValidToken(state: SimulatorState, value: string | undefined): IssuedToken | undefined {
  if (!value) return undefined;

  const token = state.tokens.get(value);
  if (!token || token.expiresAt.getTime() <= state.now().getTime()) return undefined;
  return token;
}

function dropExpiredTokens(state: SimulatorState): void {
  const now = state.now().getTime();
  for (const [value, token] of state.tokens) {
    if (token.expiresAt.getTime() <= now) state.tokens.delete(value);
  }
}

export interface CatalogOptions {
  /** Base URL that the catalog's endpoints point at: the simulator itself, as the client reached it. */
  baseUrl: string;
  includeCatalog: boolean;
}

/** Renders the `{"token": {...}}` body of a token response. */
export function renderTokenBody(state: SimulatorState, token: IssuedToken, options: CatalogOptions) {
  const { account } = token;
  const domain = { id: account.domainId, name: account.domainName };
  const scoped =
    token.scope.kind === 'project'
      ? { project: { id: account.projectId, name: account.projectName, domain } }
      : { domain };

  return {
    token: {
      expires_at: formatIamTime(token.expiresAt),
      issued_at: formatIamTime(token.issuedAt),
      methods: token.methods,
      user: { id: account.userId, name: account.userName, domain, password_expires_at: '' },
      ...scoped,
      // IAM shows role ids as "0"; the demo users are their accounts' administrators.
      roles: [
        { id: '0', name: 'te_admin' },
        { id: '0', name: 'op_service' },
      ],
      catalog: options.includeCatalog ? renderCatalog(state, options.baseUrl) : [],
    },
  };
}

function renderCatalog(state: SimulatorState, baseUrl: string) {
  const services = [
    { id: 'iam-catalog-entry', name: 'iam', type: 'identity' },
    { id: 'vpcep-catalog-entry', name: 'vpcep', type: 'vpcep' },
  ];

  return services.map((service) => ({
    ...service,
    endpoints: [
      {
        id: `${service.id}-${state.region}`,
        interface: 'public',
        region: state.region,
        region_id: state.region,
        url: baseUrl,
      },
    ],
  }));
}
