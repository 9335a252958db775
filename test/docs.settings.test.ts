import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

test('README lists every setting the config reads', async () => {
  const config = await readFile(new URL('../src/config.ts', import.meta.url), 'utf8');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const read = [...config.matchAll(/reader\.\w+\('([A-Z0-9_]+)'/g)].map((match) => match[1]);

  assert.ok(read.length > 20, 'the config reads its settings through the reader');
  for (const name of new Set(read)) {
    assert.match(readme, new RegExp(`\`${name}\``), `README documents ${name}`);
  }
});
