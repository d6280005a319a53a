import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'exw-atomic-'));

describe.each([
  ['async', writeFileAtomic],
  ['sync', async (file: string, content: string) => writeFileAtomicSync(file, content)],
] as const)('writeFileAtomic (%s)', (name, write) => {
  it('creates the directory, writes the content and leaves no temp file', async () => {
    const file = join(dir, name, 'nested', 'out.json');
    await write(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(join(dir, name, 'nested'))).toEqual(['out.json']);
  });

  it('replaces an existing file and keeps its mode', async () => {
    const file = join(dir, `${name}-script.sh`);
    writeFileSync(file, 'old');
    chmodSync(file, 0o751);
    await write(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o7777).toBe(0o751);
  });

  it('fails without touching the target when the path is a directory, and cleans up', async () => {
    const target = join(dir, `${name}-is-a-dir`);
    await write(join(target, 'x'), 'x');
    await expect(write(target, 'y')).rejects.toThrow();
    expect(readdirSync(target)).toEqual(['x']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.exw-tmp'))).toEqual([]);
  });
});
