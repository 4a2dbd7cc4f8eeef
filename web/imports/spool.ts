// Where an applied file waits for its job: a file on the worker's disk
// (TALLY_IMPORT_DIR, default the system's temporary folder), written as the
// request streams in, with its SHA-256 (re-applying the same file in `add`
// mode adds nothing: the entries' keys carry it). Web and worker must share
// this folder; a database-held copy is requested in /work/schema-requests.md.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImportRefused } from './read.js';

/** Largest file accepted (a million members with a dozen columns is about 150 MB). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

const folder = () => process.env.TALLY_IMPORT_DIR ?? join(tmpdir(), 'tally-imports');

/** Counts the bytes going through, refusing more than `max` (413). */
export function byteLimit(max = MAX_FILE_BYTES, onChunk?: (chunk: Buffer) => void): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > max) return done(new ImportRefused(413, 'file_too_large', `The file is larger than ${Math.round(max / 1024 / 1024)} MB`));
      onChunk?.(chunk);
      done(null, chunk);
    },
  });
}

export async function spool(body: Readable): Promise<{ file: string; sha256: string; bytes: number }> {
  await mkdir(folder(), { recursive: true });
  const file = `${randomUUID()}.csv`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      body,
      byteLimit(MAX_FILE_BYTES, (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      }),
      createWriteStream(join(folder(), file)),
    );
  } catch (err) {
    await removeSpooled(file);
    throw err;
  }
  if (bytes === 0) {
    await removeSpooled(file);
    throw new ImportRefused(400, 'empty_file', 'The file is empty');
  }
  return { file, sha256: hash.digest('hex'), bytes };
}

/** The kept file, as a stream (it throws ENOENT when the worker cannot see it). */
export const openSpooled = (file: string) => createReadStream(join(folder(), file), { highWaterMark: 256 * 1024 });

export const removeSpooled = (file: string) => rm(join(folder(), file), { force: true });
