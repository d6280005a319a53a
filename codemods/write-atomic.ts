/**
 * Atomic replace: the new content goes to a temp file in the same directory
 * (same filesystem, so rename is atomic), is flushed, gets the original
 * file's mode, then replaces the original in one rename. A crash or a full
 * disk leaves either the old file or the new one, never half of either.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  // A new file gets the usual 0666 minus umask; an existing one keeps its exact mode.
  const mode = await stat(file).then((s) => s.mode & 0o7777, () => null);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.exw-tmp`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', mode ?? 0o666);
    try {
      await handle.writeFile(content, 'utf8');
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
