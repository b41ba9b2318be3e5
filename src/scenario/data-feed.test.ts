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

describe('loadCsvFeed', () => {
  it('reads columns from the header and rows as frozen objects', () => {
    const feed = loadCsvFeed(users, 'sequential');
    expect(feed.columns).toEqual(['id', 'email']);
    expect(feed.size).toBe(5);
    const row = feed.next();
    expect(row).toEqual({ id: '1', email: 'a@x' });
    expect(Object.isFrozen(row)).toBe(true);
  });

  it('hands out rows in order and wraps around at the end', () => {
    const feed = loadCsvFeed(users, 'sequential');
    const ids = Array.from({ length: 12 }, () => feed.next().id);
    expect(ids).toEqual(['1', '2', '3', '4', '5', '1', '2', '3', '4', '5', '1', '2']);
  });

  it('picks random rows that cover the whole file', () => {
    const feed = loadCsvFeed(users, 'random');
    const seen = new Set(Array.from({ length: 500 }, () => feed.next().id));
    expect([...seen].sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('splits rows between shards with no overlap', () => {
    const ids = (index: number): string[] => {
      const feed = loadCsvFeed(users, 'sequential', { index, count: 2 });
      return Array.from({ length: feed.size }, () => feed.next().id ?? '');
    };
    expect(ids(0)).toEqual(['1', '3', '5']);
    expect(ids(1)).toEqual(['2', '4']);
  });

  it('handles quoted fields, CRLF, a BOM and blank lines', () => {
    const file = csv('\ufeffname,note\r\n"Smith, J","said ""hi"""\r\n\r\nLee,\r\n');
    const feed = loadCsvFeed(file, 'sequential');
    expect(feed.columns).toEqual(['name', 'note']);
    expect(feed.next()).toEqual({ name: 'Smith, J', note: 'said "hi"' });
    expect(feed.next()).toEqual({ name: 'Lee', note: '' });
  });

  it('rejects a shard that would get no rows', () => {
    const small = csv('id\n1\n2\n');
    expect(() => loadCsvFeed(small, 'sequential', { index: 2, count: 3 })).toThrow(
      `${small}: shard 3 of 3 gets no rows`,
    );
    expect(() => loadCsvFeed(small, 'sequential', { index: 3, count: 3 })).toThrow('invalid data shard');
  });

  it('rejects bad files with the file name', () => {
    const missing = join(dir, 'missing.csv');
    expect(() => loadCsvFeed(missing, 'sequential')).toThrow(`${missing}: cannot read data file (not found)`);
    const empty = csv('');
    expect(() => loadCsvFeed(empty, 'sequential')).toThrow(`${empty}: data file is empty`);
    expect(() => loadCsvFeed(csv(' \n\n'), 'sequential')).toThrow('data file is empty');
    const headerOnly = csv('id,email\n');
    expect(() => loadCsvFeed(headerOnly, 'sequential')).toThrow(
      `${headerOnly}: data file has a header row but no data rows`,
    );
    expect(() => loadCsvFeed(csv('id,id\n1,2\n'), 'sequential')).toThrow('header names column "id" twice');
    expect(() => loadCsvFeed(csv('id,\n1,2\n'), 'sequential')).toThrow('header column 2 has no name');
  });

  it('rejects a ragged row, naming the file and line', () => {
    const ragged = csv('id,email\n1,a@x\n2\n3,c@x\n');
    expect(() => loadCsvFeed(ragged, 'sequential')).toThrow(InputError);
    expect(() => loadCsvFeed(ragged, 'sequential')).toThrow(new RegExp(`^${ragged}: .*line 3`));
    expect(() => loadCsvFeed(csv('id\n"1\n'), 'sequential')).toThrow(/Quote Not Closed/);
  });
});
