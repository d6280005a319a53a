/**
 * The one atomic file writer (codemods, verify, bench and the CLI use it):
 * the content goes to a temp file in the same directory (same filesystem,
 * so the rename is atomic), is flushed to disk, gets the replaced file's
 * mode, then takes its place in one rename. A reader never sees half a
 * file, and a crash or a full disk leaves the old file or the new one. The
 * parent directory is created when missing.
 *
 * Depends on Node only, so every area may import it without pointing at another.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A new file gets 0666 minus the umask; an existing one keeps its exact mode. */
const NEW_FILE_MODE = 0o666;

function tempPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.exw-tmp`);
}

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const mode = await stat(file).then((s) => s.mode & 0o7777, () => null);
  const temp = tempPath(file);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', mode ?? NEW_FILE_MODE);
    try {
      await handle.writeFile(content);
      // open() applies the umask; chmod restores the exact original bits.
      if (mode !== null) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** The same, synchronously, for code that runs outside an event loop's work (bench result files). */
export function writeFileAtomicSync(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  let mode: number | null = null;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    // A new file.
  }
  const temp = tempPath(file);
  let renamed = false;
  try {
    const fd = openSync(temp, 'wx', mode ?? NEW_FILE_MODE);
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      if (mode !== null) chmodSync(temp, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // Never created.
      }
    }
  }
}
