/**
 * A code tree's manifest: every path in an unpacked deployment package with its type, and for files
 * their mode and sha256, for links their target. Written when the tree is extracted and compared with
 * the tree on disk before the tree is used again, so a tree changed behind Gust's back (a function
 * that wrote into its own or another function's code) is detected and unpacked anew from its blob.
 * Scanning never follows links.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Permission bits kept on code files: read for all, write for nobody, execute as packaged. */
export const FILE_MODE_MASK = 0o555;

export type TreeEntry =
  { type: 'dir' } | { type: 'file'; mode: number; sha256: string } | { type: 'link'; target: string };

export type TreeManifest = Record<string, TreeEntry>;

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  // O_NOFOLLOW: the path was lstat'ed as a regular file; never read through a link swapped in since.
  const fh = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) hash.update(chunk);
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** The manifest of the tree at `root` as it is on disk now. */
export async function scanTree(root: string): Promise<TreeManifest> {
  const out: TreeManifest = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const ent of await fs.promises.readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, ent.name);
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      const st = await fs.promises.lstat(abs);
      if (st.isSymbolicLink()) out[r] = { type: 'link', target: await fs.promises.readlink(abs) };
      else if (st.isDirectory()) {
        out[r] = { type: 'dir' };
        await walk(abs, r);
      } else if (st.isFile()) out[r] = { type: 'file', mode: st.mode & 0o7777, sha256: await hashFile(abs) };
      else out[r] = { type: 'file', mode: -1, sha256: 'not a regular file' };
    }
  };
  await walk(root, '');
  return out;
}

/** Paths whose entry differs between two manifests (added, removed or changed), sorted. */
export function manifestDiff(want: TreeManifest, got: TreeManifest): string[] {
  const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
  const differs = (a: TreeEntry | undefined, b: TreeEntry | undefined): boolean =>
    JSON.stringify(a) !== JSON.stringify(b);
  return [...keys].filter((k) => differs(want[k], got[k])).sort();
}

export function readManifest(file: string): TreeManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TreeManifest;
  } catch {
    return undefined;
  }
}

export function writeManifest(file: string, manifest: TreeManifest): void {
  const tmp = `${file}.tmp-${process.pid}`;
  // Keys in a fixed order so equal trees give equal files.
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  fs.writeFileSync(tmp, JSON.stringify(sorted));
  fs.renameSync(tmp, file);
}
