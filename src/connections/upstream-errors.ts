/**
 * Translates CloudError from IAM and VPCEP into API errors that name the upstream that failed and how:
 * unreachable is 503, a timeout 504, anything else 502. The upstream request id is kept in the message
 * because it is what the cloud provider's support asks for.
 */
import { CloudError } from '../cloud/errors.ts';
import { type ApiError, apiError } from '../errors.ts';

export function upstreamFailure(error: CloudError, doing: string): ApiError {
  const service = error.service === 'iam' ? 'IAM' : 'VPCEP';
  const requestId = error.requestId ? ` (upstream request id ${error.requestId})` : '';

  if (error.kind === 'timeout') {
    const name = error.service === 'iam' ? 'iamTimeout' : 'vpcepTimeout';
    return apiError(name, `${service} timed out while ${doing}; retry later.`, { cause: error });
  }
  if (error.kind === 'unreachable') {
    const name = error.service === 'iam' ? 'iamUnavailable' : 'vpcepUnavailable';
    return apiError(name, `${service} could not be reached while ${doing}; retry later.`, { cause: error });
  }

  // The CloudError message already names the operation, HTTP status, upstream code and message.
  const detail = error.message.replace(/[.\s]+$/, '');
  const name = error.service === 'iam' ? 'iamFailed' : 'vpcepFailed';
  return apiError(name, `${service} failed while ${doing}: ${detail}${requestId}.`, { cause: error });
}

/** Returns true for a VPCEP "not found" response: HTTP 404, whatever the code. */
export function isNotFound(error: unknown): boolean {
  return error instanceof CloudError && error.kind === 'http' && error.httpStatus === 404;
}

/** Returns true when the request may have reached VPCEP and taken effect although no response arrived. */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof CloudError && (error.kind === 'timeout' || error.kind === 'unreachable');
}
