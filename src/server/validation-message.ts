/**
 * Turns schema validation errors into one sentence that names each field at fault and what it must be,
 * such as `body field "ds_type" must be a string; unknown body field "vpc_ep_service_name"`.
 */

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const PART_NAMES: Record<string, string> = {
  body: 'body field',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

/** `knownFields`, when given, are listed after an unknown field so the caller can spot a misspelling. */
export function describeValidationErrors(
  issues: ValidationIssue[],
  part: string | undefined,
  knownFields: string[] = [],
): string {
  const label = PART_NAMES[part ?? 'body'] ?? 'field';
  const pathsWithOtherIssues = new Set(
    issues
      .filter((issue) => !['type', 'anyOf', 'boolean'].includes(issue.keyword))
      .map((issue) => issue.instancePath),
  );
  const typesByPath = new Map<string, string[]>();
  const sentences: string[] = [];

  for (const issue of issues) {
    const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'type') {
      // A string that is too long also fails the `null` branch of an optional field: the length is the news.
      if (pathsWithOtherIssues.has(issue.instancePath)) continue;
      const types = typesByPath.get(field) ?? [];
      types.push(String(issue.params.type));
      typesByPath.set(field, types);
      continue;
    }
    const sentence = describeIssue(issue, field, label, knownFields);
    if (sentence) sentences.push(sentence);
  }

  for (const [field, types] of typesByPath) {
    const expected = types.map(withArticle).join(' or ');
    sentences.unshift(
      field ? `${label} "${field}" must be ${expected}` : `the request ${part ?? 'body'} must be ${expected}`,
    );
  }
  return sentences.length > 0 ? `Invalid request: ${sentences.join('; ')}.` : 'Invalid request.';
}

function describeIssue(
  issue: ValidationIssue,
  field: string,
  label: string,
  knownFields: string[],
): string | undefined {
  const { params } = issue;
  switch (issue.keyword) {
    case 'required':
      return (params.requiredProperties as string[])
        .map((name) => `${label} "${joinPath(field, name)}" is required`)
        .join('; ');
    case 'additionalProperties': {
      const unknown = (params.additionalProperties as string[]).map((name) => `"${joinPath(field, name)}"`);
      const known = knownFields.length > 0 && !field ? ` (the fields are ${knownFields.join(', ')})` : '';
      return `unknown ${label} ${unknown.join(', ')}${known}`;
    }
    case 'maxLength':
      return `${label} "${field}" must be at most ${characters(params.limit)}`;
    case 'minLength':
      return params.limit === 1
        ? `${label} "${field}" must not be empty`
        : `${label} "${field}" must be at least ${characters(params.limit)}`;
    case 'minimum':
      return `${label} "${field}" must be at least ${params.limit}`;
    case 'maximum':
      return `${label} "${field}" must be at most ${params.limit}`;
    case 'pattern':
      return `${label} "${field}" has an invalid format`;
    // `boolean` and `anyOf` repeat what the branch errors already reported.
    case 'boolean':
    case 'anyOf':
      return undefined;
    default:
      return `${label} "${field}" ${issue.message ?? 'is invalid'}`;
  }
}

function characters(limit: unknown): string {
  return limit === 1 ? '1 character' : `${limit} characters`;
}

function joinPath(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
