/** Public API of the outbound side: the IAM and VPCEP ports, their HTTP clients, errors and the signer. */
export { CloudError, type CloudErrorDetails, type CloudErrorKind, type CloudService } from './errors.ts';
export {
  type CloudRequest,
  type CloudResponse,
  CloudTransport,
  type CloudTransportOptions,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUTS,
  type DebugLogger,
  type HttpTimeouts,
} from './http.ts';
export {
  HttpIamClient,
  type HttpIamClientOptions,
  type PasswordToken,
  type PasswordTokenRequest,
  requestPasswordToken,
} from './iam.ts';
export {
  failureOutcome,
  type TransportObserver,
  type UpstreamCallEvent,
  type UpstreamOutcome,
  type UpstreamRetryEvent,
} from './observer.ts';
export type * from './ports.ts';
export { type AccessKey, signRequest, verifyRequest } from './signer.ts';
export { parseErrorBody } from './upstream-errors.ts';
export { HttpVpcepClient, type HttpVpcepClientOptions } from './vpcep.ts';
