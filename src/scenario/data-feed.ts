import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../errors.js';

/** Rows of a CSV data file, handed out one per rendered request. */
export interface DataFeed {
  readonly columns: readonly string[];
  readonly size: number;
  next(): Readonly<Record<string, string>>;
}

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/**
 * Loads a CSV file whose header row names the columns. Rows are parsed once, here, into frozen objects;
 * next() only picks one. With a shard (one of several load generators), the feed keeps the rows whose
 * index % count === shard.index, so generators never send each other's rows. The file is streamed and refused
 * past `maxBytes` (or at the first NUL byte), so a wrong path such as /dev/zero fails fast, in bounded memory,
 * without blocking the event loop (a signal is still heard while it loads).
 */
export async function loadCsvFeed(
  file: string,
  order: 'sequential' | 'random',
  shard?: Shard,
  maxBytes = Number.MAX_SAFE_INTEGER,
): Promise<DataFeed> {
  const [header, ...data] = await readRecords(file, maxBytes);
  if (header === undefined) throw new InputError(`${file}: data file is empty`);
  const columns = checkHeader(file, header);
  if (data.length === 0) throw new InputError(`${file}: data file has a header row but no data rows`);
  const rows = selectShard(file, data, shard).map((fields) => toRow(columns, fields));
  return order === 'random' ? randomFeed(columns, rows) : sequentialFeed(columns, rows);
}

/** Counts bytes on their way to the parser and stops the stream at the limit or at binary content. */
function byteGuard(file: string, maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(new InputError(`${file}: data file is larger than data.maxBytes (${maxBytes} bytes); raise it if needed`));
      } else if (chunk.includes(0)) done(new InputError(`${file}: data file is not text (binary content)`));
      else done(null, chunk);
    },
  });
}

async function readRecords(file: string, maxBytes: number): Promise<string[][]> {
  const records: string[][] = [];
  // Without `columns`, csv-parse still rejects a row whose field count differs from the first (header) row.
  const parser = parse({ bom: true, skip_empty_lines: true });
  try {
    await pipeline(createReadStream(file), byteGuard(file, maxBytes), parser, async (rows: AsyncIterable<string[]>) => {
      for await (const row of rows) records.push(row);
    });
  } catch (err) {
    if (err instanceof InputError) throw err;
    // csv-parse's messages already give the line, e.g. "Invalid Record Length: expect 2, got 3 on line 4".
    if (err instanceof CsvError) throw new InputError(`${file}: ${err.message}`, { cause: err });
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new InputError(`${file}: cannot read data file (${reason})`, { cause: err });
  }
  // A file of blank space is empty, not a header row named " ".
  return records.every((r) => r.every((field) => field.trim() === '')) ? [] : records;
}

function checkHeader(file: string, header: string[]): string[] {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name.trim() === '') throw new InputError(`${file}: header column ${i + 1} has no name`);
    if (seen.has(name)) throw new InputError(`${file}: header names column "${name}" twice`);
    seen.add(name);
  });
  return header;
}

function selectShard(file: string, data: string[][], shard: Shard | undefined): string[][] {
  if (shard === undefined) return data;
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new InputError(`invalid data shard ${index}/${count}: need integers 0 <= index < count`);
  }
  const kept = data.filter((_, i) => i % count === index);
  if (kept.length === 0) {
    throw new InputError(
      `${file}: shard ${index + 1} of ${count} gets no rows (the file has ${data.length} data rows; use fewer shards)`,
    );
  }
  return kept;
}

function toRow(columns: readonly string[], fields: readonly string[]): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(columns.map((name, i) => [name, fields[i] ?? ''])));
}

function sequentialFeed(columns: readonly string[], rows: readonly Readonly<Record<string, string>>[]): DataFeed {
  let cursor = 0;
  return {
    columns,
    size: rows.length,
    next() {
      const row = rows[cursor] as Readonly<Record<string, string>>;
      cursor = cursor + 1 === rows.length ? 0 : cursor + 1;
      return row;
    },
  };
}

function randomFeed(columns: readonly string[], rows: readonly Readonly<Record<string, string>>[]): DataFeed {
  return {
    columns,
    size: rows.length,
    next: () => rows[Math.floor(Math.random() * rows.length)] as Readonly<Record<string, string>>,
  };
}
