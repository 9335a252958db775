/**
 * Field readers for upstream JSON bodies. They raise `ResponseShapeError` with the JSON path of the field
 * at fault; the transport turns that into a `CloudError` of kind `invalid-response`.
 */

export class ResponseShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseShapeError';
  }
}

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseShapeError(`${path} is missing or not an object`);
  }
  return value as JsonObject;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ResponseShapeError(`${path} is missing or not an array`);
  return value;
}

export function requiredString(object: JsonObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value === '') {
    throw new ResponseShapeError(`${path}.${key} is missing or not a non-empty string`);
  }
  return value;
}

/** Reads an optional string. `null` and `""` count as absent, because Huawei services send both for "not set". */
export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ResponseShapeError(`${path}.${key} is not a string`);
  return value;
}

export function requiredNumber(object: JsonObject, key: string, path: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ResponseShapeError(`${path}.${key} is missing or not a number`);
  }
  return value;
}

/** Reads an optional boolean, accepting `"true"`/`"false"` because VPCEP documents `is_charge` as a string. */
export function optionalBoolean(object: JsonObject, key: string, path: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ResponseShapeError(`${path}.${key} is not a boolean`);
}

export function requiredDate(object: JsonObject, key: string, path: string): Date {
  const text = requiredString(object, key, path);
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new ResponseShapeError(`${path}.${key} is not a valid time`);
  return time;
}
