/**
 * Field checks for VPCEP request bodies. Each failure is a VPCEP error whose message names the field and
 * the value at fault.
 */
import { type VpcepCode, vpcepError } from './errors.ts';
import { isRecord, parseJsonObject, type SimulatorRequest } from './http.ts';
import type { Tag } from './state.ts';

export type Body = Record<string, unknown>;

/** Parses the body as a JSON object, or fails with 400 `EndPoint.0002`. */
export function readVpcepBody(request: SimulatorRequest): Body {
  const body = parseJsonObject(request);
  if (!body) throw vpcepError('EndPoint.0002', 'The request body must be a JSON object.');
  return body;
}

/** Returns a required string field of at most 64 characters. A missing or empty value fails with `emptyCode`. */
export function requireString(body: Body, field: string, emptyCode: VpcepCode = 'EndPoint.0002'): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') {
    throw vpcepError(emptyCode, `${field} is required.`);
  }
  if (typeof value !== 'string') throw vpcepError('EndPoint.0002', `${field} must be a string.`);
  if (value.length > 64) throw vpcepError('EndPoint.0002', `${field} must be at most 64 characters.`);
  return value;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw vpcepError('EndPoint.0002', `${field} must be a string.`);
  return value;
}

/**
 * Returns an optional boolean field. The strings "true" and "false" are accepted too, because VPCEP's own
 * request example sends `"enable_dns":"false"`.
 */
export function optionalBoolean(
  body: Body,
  field: string,
  code: VpcepCode = 'EndPoint.0002',
): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw vpcepError(code, `${field} must be true or false, got ${JSON.stringify(value)}.`);
}

/** Returns `description`, which VPCEP limits to 512 characters without `<` or `>`. */
export function readDescription(body: Body): string {
  const description = optionalString(body, 'description') ?? '';
  if (description.length > 512 || /[<>]/.test(description)) {
    throw vpcepError('EndPoint.0002', 'description must be at most 512 characters and contain no < or >.');
  }
  return description;
}

const TAG_PATTERN = /^[\p{L}\p{N}_\-@.:/+=\s]*$/u;

/**
 * Returns `tags`: at most 20 `{key, value}` objects with keys of 1 to 128 and values of 0 to 255 characters.
 * NOTE: these are the limits in the comments of Huawei's newer SDK models; VPCEP docs from 2022 give 10 tags,
 * keys of 36 and values of 43 characters.
 */
export function readTags(body: Body): Tag[] {
  const tags = body.tags;
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags) || tags.length > 20) {
    throw vpcepError('EndPoint.0002', 'tags must be an array of at most 20 {key, value} objects.');
  }

  return tags.map((tag, index) => {
    if (
      !isRecord(tag) ||
      typeof tag.key !== 'string' ||
      !['string', 'undefined'].includes(typeof tag.value)
    ) {
      throw vpcepError('EndPoint.0002', `tags[${index}] must be an object with a string key and value.`);
    }

    const key = tag.key;
    const value = (tag.value as string | undefined) ?? '';
    if (key.length < 1 || key.length > 128 || value.length > 255 || !TAG_PATTERN.test(key + value)) {
      throw vpcepError(
        'EndPoint.0002',
        `tags[${index}] has an invalid key or value: ${JSON.stringify(tag)}.`,
      );
    }
    return { key, value };
  });
}
