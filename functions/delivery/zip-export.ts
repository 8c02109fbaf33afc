import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/** One S3 object to put in the archive, under `name`. */
export interface ZipEntry {
  /** The object key in the source bucket. */
  readonly key: string;
  /** Its path inside the archive (sanitised with {@link sanitiseEntryName}). */
  readonly name: string;
}

/** A small file made by the caller (metadata.json, a README), deflated into the archive after the objects. */
export interface ZipExtraFile {
  readonly name: string;
  readonly body: string | Uint8Array;
}

export interface ExportZipInput {
  readonly s3: S3Client;
  readonly sourceBucket: string;
  readonly entries: readonly ZipEntry[];
  readonly extraFiles?: readonly ZipExtraFile[];
  readonly targetBucket: string;
  readonly targetKey: string;
  /** @default application/zip */
  readonly contentType?: string;
  /** `Content-Disposition` of the archive object, such as `attachment; filename="headshots.zip"`. @default - none */
  readonly contentDisposition?: string;
  /**
   * The modification time written for every entry (ZIP keeps local DOS time, 1980–2099).
   * @default - now
   */
  readonly modifiedAt?: Date;
}

/** What was written: the archive's key, its size and SHA-256 (hex) as streamed, and how many entries it holds. */
export interface ZipExport {
  readonly key: string;
  readonly size: number;
  readonly entries: number;
  readonly sha256: string;
}

/** S3's smallest multipart part (except the last); the archive is uploaded in parts of this size. */
export const PART_SIZE = 5 * 1024 * 1024;
/** Parts in flight at once: memory stays near (QUEUE_SIZE + 1) × PART_SIZE whatever the archive's size. */
export const QUEUE_SIZE = 2;
/**
 * fflate writes classic ZIP headers (no ZIP64): 32-bit sizes and offsets and a
 * 16-bit entry count. Past these the archive would be silently corrupt, so the
 * export fails instead.
 */
export const MAX_ARCHIVE_BYTES = 0xffff_ffff;
export const MAX_ENTRIES = 0xffff;
/** How much archive output may wait in memory before reading the next chunk of an object. */
const OUTPUT_BUFFER_BYTES = 1024 * 1024;
/** Windows refuses these in file names; archives are opened there too. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is being replaced
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f<>:"|?*]/g;

/**
 * The path of an entry as every unzip tool will write it safely: `\` read as
 * `/`, no leading `/`, no drive letter, no empty or `.` segments, `..` resolved
 * but never above the archive's root (the zip-slip escape), characters Windows
 * refuses replaced by `_`, and trailing dots and spaces of each segment
 * removed. Fails when nothing is left.
 */
export function sanitiseEntryName(name: string): string {
  const segments: string[] = [];
  for (const raw of name.replace(/\\/g, '/').replace(/^[a-zA-Z]:/, '').split('/')) {
    // `..` climbs within the archive but never above its root.
    if (raw === '..') {
      segments.pop();
      continue;
    }
    const segment = raw.normalize('NFC').replace(UNSAFE_CHARACTERS, '_').replace(/[. ]+$/, '');
    if (segment) segments.push(segment);
  }
  const safe = segments.join('/');
  if (!safe) throw new Error(`The archive entry name "${name}" has no usable path once sanitised`);
  if (Buffer.byteLength(safe) > 1024) throw new Error(`The archive entry name "${safe.slice(0, 60)}…" is longer than 1024 bytes`);
  return safe;
}

type PlannedFile = { readonly name: string } & ({ readonly key: string } | { readonly body: Uint8Array });

/**
 * Every file of the archive in order, names sanitised; two names that would
 * land on the same path (compared case-insensitively, as Windows and macOS
 * file systems do) are refused rather than one overwriting the other on unzip.
 */
function planFiles(entries: readonly ZipEntry[], extraFiles: readonly ZipExtraFile[]): PlannedFile[] {
  const planned: PlannedFile[] = [
    ...entries.map((entry) => ({ name: sanitiseEntryName(entry.name), key: entry.key })),
    ...extraFiles.map((file) => ({ name: sanitiseEntryName(file.name), body: typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : file.body })),
  ];
  if (planned.length > MAX_ENTRIES) throw new Error(`A ZIP export holds at most ${MAX_ENTRIES} files, not ${planned.length}`);
  const seen = new Map<string, string>();
  for (const file of planned) {
    const folded = file.name.toLowerCase();
    const earlier = seen.get(folded);
    if (earlier !== undefined) throw new Error(`Two archive entries share the path "${file.name}"${earlier === file.name ? '' : ` (and "${earlier}")`}; give each a distinct name`);
    seen.set(folded, file.name);
  }
  return planned;
}

/**
 * Builds a ZIP of S3 objects (plus small caller-made files) and uploads it to
 * S3, streaming end to end: one source object is read at a time, its bytes go
 * through fflate's streaming `Zip` (`ZipPassThrough`, stored: the images are
 * already compressed; extra files are deflated with `ZipDeflate`) into a
 * multipart `Upload` of {@link PART_SIZE} parts, {@link QUEUE_SIZE} at a time.
 * Reading waits whenever the upload falls behind, so memory stays bounded by
 * the parts in flight, not by the archive or the images.
 *
 * A source object that cannot be read (missing, forbidden) fails the export
 * with an error naming it, and nothing is left at `targetKey`: the upload is
 * never completed and its multipart upload is aborted (the bucket's
 * abort-incomplete-uploads lifecycle rule is the backstop if the abort itself fails).
 */
export async function exportZip(input: ExportZipInput): Promise<ZipExport> {
  const files = planFiles(input.entries, input.extraFiles ?? []);
  const modifiedAt = input.modifiedAt ?? new Date();
  const output = new PassThrough({ highWaterMark: OUTPUT_BUFFER_BYTES });
  const hash = createHash('sha256');
  let size = 0;

  const upload = new Upload({
    client: input.s3,
    params: {
      Bucket: input.targetBucket,
      Key: input.targetKey,
      Body: output,
      ContentType: input.contentType ?? 'application/zip',
      ...(input.contentDisposition && { ContentDisposition: input.contentDisposition }),
    },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });
  const uploading = upload.done();
  // Settles only by failing: whoever waits on the output stream must not wait forever once the upload is gone.
  const uploadFailed = new Promise<never>((_, reject) => {
    uploading.catch(reject);
  });
  uploadFailed.catch(() => {});

  const zip = new Zip((error, chunk, final) => {
    if (error) {
      output.destroy(error);
      return;
    }
    size += chunk.length;
    if (size > MAX_ARCHIVE_BYTES) {
      output.destroy(new Error(`The ZIP export would exceed ${MAX_ARCHIVE_BYTES} bytes, the most a ZIP without ZIP64 can address`));
      return;
    }
    hash.update(chunk);
    output.write(chunk);
    if (final) output.end();
  });

  /** Waits while the upload has not taken what was written (backpressure), or fails with the upload. */
  const drained = async (): Promise<void> => {
    if (output.destroyed) throw output.errored ?? new Error('The ZIP upload stopped');
    if (output.writableNeedDrain) await Promise.race([once(output, 'drain'), uploadFailed]);
  };

  const addObject = async (key: string, name: string): Promise<void> => {
    let body: Readable;
    try {
      const object = await input.s3.send(new GetObjectCommand({ Bucket: input.sourceBucket, Key: key }));
      body = object.Body as Readable;
    } catch (error) {
      const missing = error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);
      throw new Error(
        missing
          ? `Cannot export s3://${input.sourceBucket}/${key} as "${name}": the object does not exist`
          : `Cannot export s3://${input.sourceBucket}/${key} as "${name}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    const file = new ZipPassThrough(name);
    file.mtime = modifiedAt;
    zip.add(file);
    try {
      for await (const chunk of body) {
        file.push(chunk as Uint8Array);
        await drained();
      }
    } catch (error) {
      body.destroy();
      throw new Error(`Reading s3://${input.sourceBucket}/${key} for the ZIP export failed: ${(error as Error).message}`, { cause: error });
    }
    file.push(new Uint8Array(0), true);
    await drained();
  };

  try {
    for (const file of files) {
      if ('key' in file) {
        await addObject(file.key, file.name);
      } else {
        const deflated = new ZipDeflate(file.name, { level: 9 });
        deflated.mtime = modifiedAt;
        zip.add(deflated);
        deflated.push(file.body, true);
        await drained();
      }
    }
    zip.end();
  } catch (error) {
    // Fail the upload rather than end it: an ended stream would be completed as a truncated archive.
    output.destroy(error as Error);
    await uploading.catch(() => undefined);
    throw error;
  }
  await uploading;
  return { key: input.targetKey, size, entries: files.length, sha256: hash.digest('hex') };
}
