import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ERROR_CATALOGUE } from '../src/errors.ts';

test('docs/errors.md lists every catalogue code', async () => {
  const text = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map<string, { status: number; meaning: string }>();
  for (const match of text.matchAll(/^\| `(DataArtsInsight\.\d{8})` \| (\d{3}) \| ([^|]+) \|/gm)) {
    documented.set(match[1], { status: Number(match[2]), meaning: match[3].trim() });
  }

  for (const entry of Object.values(ERROR_CATALOGUE)) {
    assert.deepEqual(
      documented.get(entry.code),
      { status: entry.httpStatus, meaning: entry.meaning },
      entry.code,
    );
  }
  assert.equal(documented.size, Object.keys(ERROR_CATALOGUE).length, 'docs/errors.md has no extra codes');
});

test('error codes are unique', () => {
  const codes = Object.values(ERROR_CATALOGUE).map((entry) => entry.code);
  assert.equal(new Set(codes).size, codes.length);
});
