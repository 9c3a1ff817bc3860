/**
 * Content-addressed code store. A deployment package (zip) is kept once per sha256 under
 * <home>/code/blobs/<hex>.zip and unpacked once to <home>/code/trees/<hex>/, shared read-only by every
 * function version and execution environment that uses the same bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { GustError } from '../errors.ts';

export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface StoredCode {
  sha256Hex: string;
  /** base64 sha256, as Lambda's CodeSha256. */
  sha256Base64: string;
  size: number;
}

export class CodeStore {
  private blobs: string;
  private trees: string;

  constructor(home: string) {
    this.blobs = path.join(home, 'code', 'blobs');
    this.trees = path.join(home, 'code', 'trees');
    fs.mkdirSync(this.blobs, { recursive: true });
    fs.mkdirSync(this.trees, { recursive: true });
  }

  /** Validate, store and unpack a zip. Idempotent for identical bytes. */
  async put(zip: Buffer): Promise<StoredCode> {
    if (zip.length > MAX_ZIPPED_BYTES) {
      throw new GustError(
        'GUST_CODE_TOO_LARGE',
        `Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes (got ${zip.length} bytes)`,
      );
    }
    const digest = createHash('sha256').update(zip).digest();
    const hex = digest.toString('hex');
    const stored: StoredCode = { sha256Hex: hex, sha256Base64: digest.toString('base64'), size: zip.length };
    const treeDir = this.treePath(hex);
    if (fs.existsSync(treeDir) && fs.existsSync(this.blobPath(hex))) return stored;

    const tmpTree = `${treeDir}.tmp-${process.pid}-${Date.now()}`;
    try {
      await extractZip(zip, tmpTree);
    } catch (e) {
      fs.rmSync(tmpTree, { recursive: true, force: true });
      throw e;
    }
    const tmpBlob = `${this.blobPath(hex)}.tmp-${process.pid}`;
    fs.writeFileSync(tmpBlob, zip);
    fs.renameSync(tmpBlob, this.blobPath(hex));
    if (fs.existsSync(treeDir)) fs.rmSync(tmpTree, { recursive: true, force: true });
    else fs.renameSync(tmpTree, treeDir);
    return stored;
  }

  has(hex: string): boolean {
    return fs.existsSync(this.treePath(hex));
  }

  treePath(hex: string): string {
    return path.join(this.trees, hex);
  }

  blobPath(hex: string): string {
    return path.join(this.blobs, `${hex}.zip`);
  }

  readBlob(hex: string): Buffer {
    return fs.readFileSync(this.blobPath(hex));
  }
}

const BAD_ZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zf) => {
      if (err || !zf) reject(new GustError('GUST_INVALID_ZIP', BAD_ZIP));
      else resolve(zf);
    });
  });
}

/** Extract a zip into dest, preserving unix permission bits, refusing unsafe paths and zip bombs. */
export async function extractZip(buf: Buffer, dest: string): Promise<void> {
  const zf = await openZip(buf);
  if (zf.entryCount === 0) {
    zf.close();
    throw new GustError('GUST_INVALID_ZIP', 'Uploaded file must be a non-empty zip');
  }
  fs.mkdirSync(dest, { recursive: true });
  const root = path.resolve(dest);
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown): void => {
      zf.close();
      reject(e instanceof GustError ? e : new GustError('GUST_INVALID_ZIP', BAD_ZIP));
    };
    zf.on('error', fail);
    zf.on('end', () => resolve());
    zf.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName.replace(/\\/g, '/');
      const target = path.resolve(root, name);
      if (target !== root && !target.startsWith(root + path.sep)) {
        fail(new GustError('GUST_INVALID_ZIP', `Unsafe path in deployment package: ${entry.fileName}`));
        return;
      }
      const mode = (entry.externalFileAttributes >>> 16) & 0o777;
      const isSymlink = ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
      if (name.endsWith('/')) {
        fs.mkdirSync(target, { recursive: true });
        zf.readEntry();
        return;
      }
      total += entry.uncompressedSize;
      if (total > MAX_UNZIPPED_BYTES) {
        fail(new GustError('GUST_CODE_TOO_LARGE', `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`));
        return;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      zf.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', fail);
        stream.on('end', () => {
          try {
            const data = Buffer.concat(chunks);
            if (isSymlink) {
              const linkTarget = path.resolve(path.dirname(target), data.toString('utf8'));
              if (linkTarget !== root && !linkTarget.startsWith(root + path.sep)) {
                throw new GustError('GUST_INVALID_ZIP', `Unsafe symlink in deployment package: ${entry.fileName}`);
              }
              fs.symlinkSync(data.toString('utf8'), target);
            } else {
              fs.writeFileSync(target, data, { mode: mode || 0o644 });
              if (mode) fs.chmodSync(target, mode | 0o444);
            }
            zf.readEntry();
          } catch (e) {
            fail(e);
          }
        });
      });
    });
    zf.readEntry();
  });
}
