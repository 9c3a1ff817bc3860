/**
 * Content-addressed code store. A deployment package (zip) is kept once per sha256 under
 * <home>/code/blobs/<hex>.zip and unpacked once (zip-extract.ts) to <home>/code/trees/<hex>/, shared
 * read-only by every function version and execution environment that uses the same bytes. The tree's
 * manifest (code-tree.ts) is kept in <home>/code/manifests/<hex>.json; before a tree is used for the
 * first time by this server process it is compared with its manifest, and a tree that differs (or
 * lost its manifest) is unpacked again from its blob, whose bytes are checked against their hash.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GustError } from '../errors.ts';
import { manifestDiff, readManifest, scanTree, writeManifest } from './code-tree.ts';
import { extractZip, MAX_UNZIPPED_BYTES } from './zip-extract.ts';

export { MAX_UNZIPPED_BYTES };
export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;

export interface StoredCode {
  sha256Hex: string;
  /** base64 sha256, as Lambda's CodeSha256. */
  sha256Base64: string;
  size: number;
}

export class CodeStore {
  private blobs: string;
  private trees: string;
  private manifests: string;
  /** Trees checked against their manifest by this process (one check in flight per tree). */
  private verified = new Map<string, Promise<string>>();

  constructor(
    home: string,
    private warn: (msg: string) => void = (m) => console.warn(`gust: ${m}`),
  ) {
    this.blobs = path.join(home, 'code', 'blobs');
    this.trees = path.join(home, 'code', 'trees');
    this.manifests = path.join(home, 'code', 'manifests');
    for (const d of [this.blobs, this.trees, this.manifests]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
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
    if (fs.existsSync(this.blobPath(hex)) && fs.existsSync(this.treePath(hex))) {
      this.verified.delete(hex);
      await this.prepare(hex);
      return stored;
    }
    await this.unpack(hex, zip);
    const tmpBlob = `${this.blobPath(hex)}.tmp-${process.pid}`;
    fs.writeFileSync(tmpBlob, zip);
    fs.renameSync(tmpBlob, this.blobPath(hex));
    return stored;
  }

  /**
   * The tree of `hex`, checked against its manifest once per process (re-unpacked from the blob if
   * it was changed). Throws GUST_FUNCTION_NOT_FOUND if neither a sound tree nor the blob exists.
   */
  prepare(hex: string): Promise<string> {
    let p = this.verified.get(hex);
    if (!p) {
      p = this.check(hex);
      this.verified.set(hex, p);
      p.catch(() => this.verified.delete(hex));
    }
    return p;
  }

  private async check(hex: string): Promise<string> {
    const tree = this.treePath(hex);
    const manifest = readManifest(this.manifestPath(hex));
    if (manifest && fs.existsSync(tree)) {
      const diff = manifestDiff(manifest, await scanTree(tree));
      if (diff.length === 0) return tree;
      this.warn(`code tree ${hex} differs from its package (${diff.slice(0, 5).join(', ')}); unpacking it again`);
    }
    let zip: Buffer;
    try {
      zip = fs.readFileSync(this.blobPath(hex));
    } catch {
      throw new GustError('GUST_FUNCTION_NOT_FOUND', `Code package ${hex} not found`);
    }
    if (createHash('sha256').update(zip).digest('hex') !== hex) {
      throw new GustError(
        'GUST_FUNCTION_NOT_FOUND',
        `Code package ${hex} is corrupt (its bytes do not match its hash)`,
      );
    }
    await this.unpack(hex, zip);
    return tree;
  }

  /** Extract into a fresh directory, then swap it in place of any existing tree. */
  private async unpack(hex: string, zip: Buffer): Promise<void> {
    const tree = this.treePath(hex);
    const tmpTree = `${tree}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      const manifest = await extractZip(zip, tmpTree);
      writeManifest(this.manifestPath(hex), manifest);
    } catch (e) {
      fs.rmSync(tmpTree, { recursive: true, force: true });
      throw e;
    }
    if (fs.existsSync(tree)) {
      const old = `${tree}.old-${process.pid}-${Date.now()}`;
      fs.renameSync(tree, old);
      fs.renameSync(tmpTree, tree);
      fs.rmSync(old, { recursive: true, force: true });
    } else fs.renameSync(tmpTree, tree);
  }

  has(hex: string): boolean {
    return fs.existsSync(this.blobPath(hex));
  }

  manifestPath(hex: string): string {
    return path.join(this.manifests, `${hex}.json`);
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
