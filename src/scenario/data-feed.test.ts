import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { loadCsvFeed } from './data-feed.js';

const dir = mkdtempSync(join(tmpdir(), 'data-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function csv(text: string): string {
  const file = join(dir, `f${fileCount++}.csv`);
  writeFileSync(file, text);
  return file;
}

const users = csv('id,email\n1,a@x\n2,b@x\n3,c@x\n4,d@x\n5,e@x\n');

describe('loadCsvFeed', async () => {
  it('reads columns from the header and rows as frozen objects', async () => {
    const feed = await loadCsvFeed(users, 'sequential');
    expect(feed.columns).toEqual(['id', 'email']);
    expect(feed.size).toBe(5);
    const row = feed.next();
    expect(row).toEqual({ id: '1', email: 'a@x' });
    expect(Object.isFrozen(row)).toBe(true);
  });

  it('hands out rows in order and wraps around at the end', async () => {
    const feed = await loadCsvFeed(users, 'sequential');
    const ids = Array.from({ length: 12 }, () => feed.next().id);
    expect(ids).toEqual(['1', '2', '3', '4', '5', '1', '2', '3', '4', '5', '1', '2']);
  });

  it('picks random rows that cover the whole file', async () => {
    const feed = await loadCsvFeed(users, 'random');
    const seen = new Set(Array.from({ length: 500 }, () => feed.next().id));
    expect([...seen].sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('splits rows between shards with no overlap', async () => {
    const ids = async (index: number): Promise<string[]> => {
      const feed = await loadCsvFeed(users, 'sequential', { index, count: 2 });
      return Array.from({ length: feed.size }, () => feed.next().id ?? '');
    };
    expect(await ids(0)).toEqual(['1', '3', '5']);
    expect(await ids(1)).toEqual(['2', '4']);
  });

  it('handles quoted fields, CRLF, a BOM and blank lines', async () => {
    const file = csv('\ufeffname,note\r\n"Smith, J","said ""hi"""\r\n\r\nLee,\r\n');
    const feed = await loadCsvFeed(file, 'sequential');
    expect(feed.columns).toEqual(['name', 'note']);
    expect(feed.next()).toEqual({ name: 'Smith, J', note: 'said "hi"' });
    expect(feed.next()).toEqual({ name: 'Lee', note: '' });
  });

  it('rejects a shard that would get no rows', async () => {
    const small = csv('id\n1\n2\n');
    await expect(loadCsvFeed(small, 'sequential', { index: 2, count: 3 })).rejects.toThrow(
      `${small}: shard 3 of 3 gets no rows`,
    );
    await expect(loadCsvFeed(small, 'sequential', { index: 3, count: 3 })).rejects.toThrow('invalid data shard');
  });

  it('rejects bad files with the file name', async () => {
    const missing = join(dir, 'missing.csv');
    await expect(loadCsvFeed(missing, 'sequential')).rejects.toThrow(`${missing}: cannot read data file (not found)`);
    const empty = csv('');
    await expect(loadCsvFeed(empty, 'sequential')).rejects.toThrow(`${empty}: data file is empty`);
    await expect(loadCsvFeed(csv(' \n\n'), 'sequential')).rejects.toThrow('data file is empty');
    const headerOnly = csv('id,email\n');
    await expect(loadCsvFeed(headerOnly, 'sequential')).rejects.toThrow(
      `${headerOnly}: data file has a header row but no data rows`,
    );
    await expect(loadCsvFeed(csv('id,id\n1,2\n'), 'sequential')).rejects.toThrow('header names column "id" twice');
    await expect(loadCsvFeed(csv('id,\n1,2\n'), 'sequential')).rejects.toThrow('header column 2 has no name');
  });

  it('rejects a ragged row, naming the file and line', async () => {
    const ragged = csv('id,email\n1,a@x\n2\n3,c@x\n');
    await expect(loadCsvFeed(ragged, 'sequential')).rejects.toThrow(InputError);
    await expect(loadCsvFeed(ragged, 'sequential')).rejects.toThrow(new RegExp(`^${ragged}: .*line 3`));
    await expect(loadCsvFeed(csv('id\n"1\n'), 'sequential')).rejects.toThrow(/Quote Not Closed/);
  });

  it('refuses a file above its byte limit, and binary content, without reading it all', async () => {
    const big = csv(`id\n${'1\n'.repeat(5000)}`);
    await expect(loadCsvFeed(big, 'sequential', undefined, 1000)).rejects.toThrow(
      `${big}: data file is larger than data.maxBytes (1000 bytes)`,
    );
    expect((await loadCsvFeed(big, 'sequential', undefined, 20_000)).size).toBe(5000);
    const started = Date.now();
    await expect(loadCsvFeed('/dev/zero', 'sequential', undefined, 100 * 1024 * 1024)).rejects.toThrow(
      '/dev/zero: data file is not text (binary content)',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
