/**
 * Extracts a deployment package (zip) into a new directory so that no sequence of entries can write
 * outside it:
 * - entry names are normalised; absolute names, drive letters, NUL bytes and `..` segments are refused;
 * - directories are created one component at a time and every existing component must be a real
 *   directory (lstat, never followed), so nothing is written through a link;
 * - files are opened with O_CREAT | O_EXCL | O_NOFOLLOW;
 * - symbolic links are created last, after every file and directory, so no later entry can pass
 *   through one; a link's target must be relative and stay inside the tree both by name (resolved
 *   against the link's real directory) and on disk (realpath, once every link exists).
 * Returns the tree's manifest (code-tree.ts), computed from the bytes written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { GustError } from '../errors.ts';
import { type TreeManifest, FILE_MODE_MASK } from './code-tree.ts';

export const MAX_UNZIPPED_BYTES = 262_144_000;

const BAD_ZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** "version made by" host 3 = UNIX: only then do the external attributes hold a st_mode. */
const HOST_UNIX = 3;

const invalid = (msg: string): GustError => new GustError('GUST_INVALID_ZIP', msg);
const unsafe = (name: string, why: string): GustError =>
  invalid(`Unsafe entry in deployment package: ${JSON.stringify(name)} (${why})`);

/** Splits an entry name into safe path segments, or throws. Trailing '/' marks a directory. */
export function entrySegments(raw: string): { segments: string[]; isDir: boolean } {
  const name = raw.replace(/\\/g, '/');
  if (name.includes('\0')) throw unsafe(raw, 'NUL byte in name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw unsafe(raw, 'absolute path');
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw unsafe(raw, "'..' in path");
  return { segments, isDir: name.endsWith('/') };
}

interface PendingLink {
  name: string;
  segments: string[];
  target: string;
}

/**
 * Creates root/segments[0]/... as real directories. Existing components must be directories that
 * are not links; nothing is followed.
 */
function mkdirsNoFollow(root: string, segments: string[], entryName: string): string {
  let dir = root;
  for (const seg of segments) {
    dir = path.join(dir, seg);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (!st) fs.mkdirSync(dir, { mode: 0o755 });
    else if (!st.isDirectory()) throw unsafe(entryName, `'${seg}' is not a directory`);
  }
  return dir;
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buf,
      { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false },
      (err, zf) => (err || !zf ? reject(invalid(BAD_ZIP)) : resolve(zf)),
    );
  });
}

function openEntry(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zf.openReadStream(entry, (err, s) => (err || !s ? reject(invalid(BAD_ZIP)) : resolve(s))),
  );
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw invalid('Symbolic link target too long');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Writes a new regular file (never through a link, never over an existing entry) and hashes it. */
async function writeNewFile(file: string, stream: Readable, mode: number): Promise<string> {
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
    mode,
  );
  const hash = createHash('sha256');
  try {
    await pipeline(
      stream,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          fs.write(fd, chunk, 0, chunk.length, null, (err) => cb(err));
        },
      }),
    );
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Extract `buf` into `dest`, which must not exist yet. Throws GUST_INVALID_ZIP / GUST_CODE_TOO_LARGE;
 * the caller removes `dest` on failure.
 */
export async function extractZip(buf: Buffer, dest: string): Promise<TreeManifest> {
  const zf = await openZip(buf);
  try {
    if (zf.entryCount === 0) throw invalid('Uploaded file must be a non-empty zip');
    fs.mkdirSync(dest, { mode: 0o755 });
    const root = fs.realpathSync(dest);
    const manifest: TreeManifest = {};
    const links: PendingLink[] = [];
    let total = 0;

    const entries = (async function* () {
      for (;;) {
        const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
          const onEntry = (e: yauzl.Entry): void => done(e);
          const onEnd = (): void => done(null);
          const onError = (): void => {
            cleanup();
            reject(invalid(BAD_ZIP));
          };
          const cleanup = (): void => {
            zf.off('entry', onEntry).off('end', onEnd).off('error', onError);
          };
          const done = (e: yauzl.Entry | null): void => {
            cleanup();
            resolve(e);
          };
          zf.on('entry', onEntry).on('end', onEnd).on('error', onError);
          zf.readEntry();
        });
        if (!entry) return;
        yield entry;
      }
    })();

    for await (const entry of entries) {
      const { segments, isDir } = entrySegments(entry.fileName);
      const attrs = entry.versionMadeBy >> 8 === HOST_UNIX ? entry.externalFileAttributes >>> 16 : 0;
      const type = attrs & S_IFMT;
      if (segments.length === 0) {
        if (isDir) continue;
        throw unsafe(entry.fileName, 'empty name');
      }
      const rel = segments.join('/');
      if (isDir || type === S_IFDIR) {
        mkdirsNoFollow(root, segments, entry.fileName);
        manifest[rel] = { type: 'dir' };
        continue;
      }
      total += entry.uncompressedSize;
      if (total > MAX_UNZIPPED_BYTES) {
        throw new GustError('GUST_CODE_TOO_LARGE', `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
      }
      const stream = await openEntry(zf, entry);
      if (type === S_IFLNK) {
        const target = (await readAll(stream, 4096)).toString('utf8');
        links.push({ name: entry.fileName, segments, target });
        continue;
      }
      if (manifest[rel]) throw unsafe(entry.fileName, 'duplicate entry');
      const dir = mkdirsNoFollow(root, segments.slice(0, -1), entry.fileName);
      // Code is read-only for everyone; the owner's execute bits are kept (bootstrap, binaries).
      const perm = attrs & 0o777 || 0o644;
      const mode = (perm | 0o444) & FILE_MODE_MASK;
      const file = path.join(dir, segments.at(-1)!);
      const sha256 = await writeNewFile(file, stream, mode).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' || e.code === 'ELOOP' ? unsafe(entry.fileName, 'exists or is a link') : e;
      });
      manifest[rel] = { type: 'file', mode, sha256 };
    }

    for (const link of links) createLink(root, link, manifest);
    addParentDirs(manifest);
    // Every link now exists: those that resolve on disk must resolve inside the tree.
    for (const link of links) {
      let real: string | undefined;
      try {
        real = fs.realpathSync(path.join(root, ...link.segments));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') throw unsafe(link.name, 'symbolic link loop');
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      }
      if (real !== undefined && !isInside(root, real))
        throw unsafe(link.name, 'symbolic link leads outside the package');
    }
    return manifest;
  } finally {
    zf.close();
  }
}

/** Directories created implicitly (a/b/c.txt without an a/ entry) belong to the tree too. */
function addParentDirs(manifest: TreeManifest): void {
  for (const rel of Object.keys(manifest)) {
    const segs = rel.split('/');
    for (let i = 1; i < segs.length; i++) manifest[segs.slice(0, i).join('/')] ??= { type: 'dir' };
  }
}

function createLink(root: string, link: PendingLink, manifest: TreeManifest): void {
  const { name, segments, target } = link;
  if (target === '' || target.includes('\0')) throw unsafe(name, 'empty symbolic link target');
  if (path.isAbsolute(target)) throw unsafe(name, 'absolute symbolic link target');
  const rel = segments.join('/');
  if (manifest[rel]) throw unsafe(name, 'duplicate entry');
  const dir = mkdirsNoFollow(root, segments.slice(0, -1), name);
  if (!isInside(root, path.resolve(dir, target))) throw unsafe(name, 'symbolic link leads outside the package');
  try {
    fs.symlinkSync(target, path.join(dir, segments.at(-1)!));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw unsafe(name, 'duplicate entry');
    throw e;
  }
  manifest[rel] = { type: 'link', target };
}
