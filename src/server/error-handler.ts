/**
 * Renders every failure as `{"error_code", "error_msg"}` with the true HTTP status. Catalogue errors
 * pass through. Fastify's own 4xx errors (bad JSON, wrong content type, oversized body, schema
 * validation) get catalogue codes with their status. Anything else is a 500 whose details go to the log,
 * not to the caller.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiError, ERROR_CATALOGUE } from '../errors.ts';
import { describeValidationErrors } from './validation-message.ts';

export interface ErrorBody {
  error_code: string;
  error_msg: string;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiErr = toApiError(error, request);
    if (apiErr.httpStatus >= 500) {
      request.log.error({ err: error, errorCode: apiErr.code }, 'request failed');
    }
    return sendError(reply, apiErr);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    return sendError(
      reply,
      apiError(
        'notFound',
        `No API operation ${request.method} ${path}; the operations are listed at /openapi.json.`,
      ),
    );
  });
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  const body: ErrorBody = { error_code: error.code, error_msg: error.message };
  return reply.status(error.httpStatus).type('application/json').send(body);
}

function toApiError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error, request);

  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const contentType = request.headers['content-type'] ?? '';
    return apiError(
      'unsupportedMediaType',
      `Unsupported Content-Type "${contentType}"; send the body as JSON with Content-Type: application/json.`,
    );
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return apiError(
      'bodyTooLarge',
      'The request body is larger than 64 KiB; send only the documented fields.',
    );
  }

  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const { code } = ERROR_CATALOGUE.invalidRequest;
    return new ApiError(code, status, clientErrorMessage(error));
  }
  return apiError(
    'internal',
    'An unexpected error occurred; report the X-Request-Id of this response to the operator.',
    {
      cause: error,
    },
  );
}

function validationError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error.validationContext === 'body' && request.body === undefined) {
    return apiError(
      'invalidRequest',
      'The request body is missing; send a JSON object such as {"ds_type": "DWS", "vpc_ep_server_name": "..."} with Content-Type: application/json.',
    );
  }

  // Naming the fields the body accepts lets a caller fix a misspelt one.
  const bodySchema = request.routeOptions.schema?.body as
    | { properties?: Record<string, unknown> }
    | undefined;
  const knownFields = error.validationContext === 'body' ? Object.keys(bodySchema?.properties ?? {}) : [];
  return apiError(
    'invalidRequest',
    describeValidationErrors(error.validation as never, error.validationContext, knownFields),
  );
}

function clientErrorMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty; send a JSON object.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON; send one JSON object, such as {"ds_type": "DWS", "vpc_ep_server_id": "..."}.';
    default:
      return error.message;
  }
}
