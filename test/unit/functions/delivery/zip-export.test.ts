import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { strFromU8, unzipSync } from 'fflate';
import { exportZip, PART_SIZE, sanitiseEntryName } from '#functions/delivery/zip-export';
import { type LocalS3, startLocalS3 } from './local-s3';

const SOURCE = 'headshot-studio-outputs';
const TARGET = 'headshot-studio-exports';
/** The signature of a ZIP local file header (`PK\3\4`). */
const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

describe('exportZip, against s3rver', () => {
  let local: LocalS3;
  /** The name of every S3 command the client sent, in order. */
  const commands: string[] = [];
  const big = randomBytes(6 * 1024 * 1024 + 12_345);
  const small = [randomBytes(40_000), Buffer.from('tiny webp')];

  beforeAll(async () => {
    local = await startLocalS3([SOURCE, TARGET]);
    local.s3.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await local.s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'orders/o-1/full/1.jpg', Body: big, ContentType: 'image/jpeg' }));
    await local.s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'orders/o-1/full/2.webp', Body: small[0], ContentType: 'image/webp' }));
    await local.s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'orders/o-1/full/3.webp', Body: small[1], ContentType: 'image/webp' }));
  }, 30_000);

  afterAll(async () => {
    await local?.stop();
  });

  beforeEach(() => {
    commands.length = 0;
  });

  const download = async (key: string) => {
    const object = await local.s3.send(new GetObjectCommand({ Bucket: TARGET, Key: key }));
    return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType: object.ContentType };
  };

  it('streams every object and the metadata into one ZIP, uploaded in parts, byte for byte', async () => {
    const metadata = { orderId: 'o-1', images: [{ name: 'headshot-1.jpg' }] };

    const result = await exportZip({
      s3: local.s3,
      sourceBucket: SOURCE,
      entries: [
        { key: 'orders/o-1/full/1.jpg', name: 'headshot-1.jpg' },
        { key: 'orders/o-1/full/2.webp', name: 'studio/headshot-2.webp' },
        { key: 'orders/o-1/full/3.webp', name: 'studio/ünïcode 3.webp' },
      ],
      extraFiles: [{ name: 'metadata.json', body: JSON.stringify(metadata) }],
      targetBucket: TARGET,
      targetKey: 'exports/o-1/headshots.zip',
      contentType: 'application/zip',
      modifiedAt: new Date('2030-01-01T12:00:00Z'),
    });

    const { bytes, contentType } = await download('exports/o-1/headshots.zip');
    expect(contentType).toBe('application/zip');
    expect(result).toEqual({ key: 'exports/o-1/headshots.zip', size: bytes.length, entries: 4, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(bytes.length).toBeGreaterThan(PART_SIZE);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(2);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    const files = unzipSync(new Uint8Array(bytes));
    expect(Object.keys(files)).toEqual(['headshot-1.jpg', 'studio/headshot-2.webp', 'studio/ünïcode 3.webp', 'metadata.json']);
    expect(Buffer.from(files['headshot-1.jpg']!).equals(big)).toBe(true);
    expect(Buffer.from(files['studio/headshot-2.webp']!).equals(small[0]!)).toBe(true);
    expect(Buffer.from(files['studio/ünïcode 3.webp']!).equals(small[1]!)).toBe(true);
    expect(JSON.parse(strFromU8(files['metadata.json']!))).toEqual(metadata);
  }, 60_000);

  it('stores the images as they are and deflates the extra files', async () => {
    const json = JSON.stringify({ images: Array.from({ length: 200 }, (_, i) => ({ name: `headshot-${i}.jpg`, style: 'studio' })) });

    const result = await exportZip({
      s3: local.s3,
      sourceBucket: SOURCE,
      entries: [{ key: 'orders/o-1/full/2.webp', name: 'a.webp' }],
      extraFiles: [{ name: 'metadata.json', body: json }],
      targetBucket: TARGET,
      targetKey: 'exports/small.zip',
    });

    // Local headers: the method (stored 0, deflate 8) sits at offset 8 of each.
    const { bytes } = await download('exports/small.zip');
    const methods: number[] = [];
    for (let at = bytes.indexOf(LOCAL_HEADER); at !== -1; at = bytes.indexOf(LOCAL_HEADER, at + 4)) methods.push(bytes.readUInt16LE(at + 8));
    expect(methods).toEqual([0, 8]);
    expect(result.size).toBeLessThan(small[0]!.length + json.length);
    expect(commands).toContain('PutObjectCommand');
    expect(commands).not.toContain('CreateMultipartUploadCommand');
  });

  it('fails with a clear error for a missing source object, aborts the multipart upload and leaves nothing at the target key', async () => {
    const attempt = exportZip({
      s3: local.s3,
      sourceBucket: SOURCE,
      entries: [
        { key: 'orders/o-1/full/1.jpg', name: 'headshot-1.jpg' },
        { key: 'orders/o-1/full/gone.jpg', name: 'headshot-2.jpg' },
      ],
      targetBucket: TARGET,
      targetKey: 'exports/o-1/broken.zip',
    });

    await expect(attempt).rejects.toThrow(`Cannot export s3://${SOURCE}/orders/o-1/full/gone.jpg as "headshot-2.jpg": the object does not exist`);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    await expect(local.s3.send(new HeadObjectCommand({ Bucket: TARGET, Key: 'exports/o-1/broken.zip' }))).rejects.toMatchObject({ name: 'NotFound' });
  }, 60_000);

  it('writes nothing when the first object is missing', async () => {
    await expect(
      exportZip({ s3: local.s3, sourceBucket: SOURCE, entries: [{ key: 'nope.jpg', name: 'nope.jpg' }], targetBucket: TARGET, targetKey: 'exports/nothing.zip' }),
    ).rejects.toThrow(/the object does not exist/);

    expect(commands).not.toContain('PutObjectCommand');
    await expect(local.s3.send(new HeadObjectCommand({ Bucket: TARGET, Key: 'exports/nothing.zip' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('refuses two entries that land on the same path before reading anything', async () => {
    await expect(
      exportZip({
        s3: local.s3,
        sourceBucket: SOURCE,
        entries: [
          { key: 'orders/o-1/full/2.webp', name: 'Studio/a.webp' },
          { key: 'orders/o-1/full/3.webp', name: '/studio//a.webp' },
        ],
        extraFiles: [{ name: 'studio/A.webp', body: 'x' }],
        targetBucket: TARGET,
        targetKey: 'exports/dupes.zip',
      }),
    ).rejects.toThrow('Two archive entries share the path "studio/a.webp" (and "Studio/a.webp"); give each a distinct name');

    expect(commands).toEqual([]);
  });
});

describe('sanitiseEntryName', () => {
  it('keeps ordinary paths', () => {
    expect(sanitiseEntryName('studio/headshot-1.jpg')).toBe('studio/headshot-1.jpg');
    expect(sanitiseEntryName('ünïcode name (1).webp')).toBe('ünïcode name (1).webp');
  });

  it('removes leading slashes, drive letters and dot segments, so nothing unzips outside its folder', () => {
    expect(sanitiseEntryName('/etc/passwd')).toBe('etc/passwd');
    expect(sanitiseEntryName('../../.ssh/authorized_keys')).toBe('.ssh/authorized_keys');
    expect(sanitiseEntryName('C:\\Users\\..\\a.jpg')).toBe('a.jpg');
    expect(sanitiseEntryName('studio/../../a.jpg')).toBe('a.jpg');
    expect(sanitiseEntryName('a/./b//c.jpg')).toBe('a/b/c.jpg');
  });

  it('replaces characters Windows refuses and trims trailing dots and spaces', () => {
    expect(sanitiseEntryName('what?:"<>|*.jpg')).toBe('what_______.jpg');
    expect(sanitiseEntryName('line\nbreak.jpg')).toBe('line_break.jpg');
    expect(sanitiseEntryName('folder. /name.jpg ')).toBe('folder/name.jpg');
  });

  it('refuses a name with nothing left', () => {
    expect(() => sanitiseEntryName('../..')).toThrow(/no usable path/);
    expect(() => sanitiseEntryName('')).toThrow(/no usable path/);
  });
});
