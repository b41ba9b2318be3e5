import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioText, readTextFile } from './read-text.js';

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bb-read-')), 'x.yaml');
  writeFileSync(path, content);
  return path;
}

describe('readScenarioText', () => {
  it('reads UTF-8 text, without its BOM', async () => {
    expect(await readScenarioText(file('\ufeffname: café\n'), 'x.yaml')).toBe('name: café\n');
  });

  it('refuses more than the limit, reading no further (an endless /dev/zero)', async () => {
    await expect(readScenarioText(file('a'.repeat(2000)), 'x.yaml', 1000)).rejects.toThrow(
      'x.yaml: scenario is larger than',
    );
    await expect(readScenarioText('/dev/zero', '/dev/zero')).rejects.toThrow(
      '/dev/zero: scenario is larger than 1 MiB',
    );
  });

  it('names the line of the first invalid UTF-8 byte', async () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: "ok é"\nc: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    await expect(readScenarioText(file(bytes), 'x.yaml')).rejects.toThrow('x.yaml:3: invalid UTF-8');
  });

  it('says when the file is missing, binary or empty', async () => {
    await expect(readScenarioText('/nonexistent/x.yaml', 'x.yaml')).rejects.toThrow(
      'cannot read scenario: no such file',
    );
    await expect(readScenarioText(file(Buffer.from([0x61, 0x00])), 'x.yaml')).rejects.toThrow('not a text file');
    await expect(readScenarioText(file(' \n'), 'x.yaml')).rejects.toThrow('scenario file is empty');
  });
});

describe('readTextFile (importers: HAR files, OpenAPI documents)', () => {
  it('reads UTF-8 without its BOM; names UTF-16; says "file" where the scenario reader says "scenario"', async () => {
    expect(await readTextFile(file('\ufeff{"log":1}'), 'j.har', 100)).toBe('{"log":1}');
    const wide = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"log":1}', 'utf16le')]);
    await expect(readTextFile(file(wide), 'j.har', 100)).rejects.toThrow('j.har: UTF-16 text (save the file as UTF-8)');
    await expect(readTextFile('/dev/zero', '/dev/zero', 1024 * 1024)).rejects.toThrow(
      '/dev/zero: file is larger than 1 MiB',
    );
    await expect(readTextFile('/nonexistent/j.har', 'j.har', 100)).rejects.toThrow('j.har: cannot read: no such file');
    expect(await readTextFile(file(''), 'empty.har', 100)).toBe('');
  });
});
