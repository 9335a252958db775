/** Schemas shared by several routes; they validate, type, serialize and document at once. */
import { Type } from 'typebox';

export const ErrorBodySchema = Type.Object(
  {
    error_code: Type.String({
      description: 'Stable error code, DataArtsInsight.<8 digits>; see docs/errors.md.',
    }),
    error_msg: Type.String({ description: 'What is wrong, on which value, and what to do next.' }),
  },
  { $id: 'ErrorBody' },
);

export const ProjectParamsSchema = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 128, description: 'Project ID.' }),
});

export const AuthHeadersSchema = Type.Object({
  'x-auth-token': Type.Optional(
    Type.String({ description: "User token from IAM's X-Subject-Token header." }),
  ),
});

export const WorkspaceHeadersSchema = Type.Object({
  'x-auth-token': Type.Optional(
    Type.String({ description: "User token from IAM's X-Subject-Token header." }),
  ),
  'x-workspace-id': Type.Optional(
    Type.String({ description: 'Workspace ID; see GET /v1/{project_id}/workspaces.' }),
  ),
});

/** Error responses every authenticated route can return. */
export const commonErrorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  500: ErrorBodySchema,
  502: ErrorBodySchema,
  503: ErrorBodySchema,
  504: ErrorBodySchema,
};
