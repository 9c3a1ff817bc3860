/** Packs a directory into a Lambda deployment zip (unix modes kept, so `bootstrap` stays executable). */
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

const SKIP = new Set(['.git', '.gust']);

export function zipDirectory(dir: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const walk = (abs: string, rel: string): void => {
    for (const ent of fs.readdirSync(abs, { withFileTypes: true })) {
      if (SKIP.has(ent.name)) continue;
      const a = path.join(abs, ent.name);
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      const st = fs.statSync(a);
      if (st.isDirectory()) walk(a, r);
      else if (st.isFile()) zip.addFile(a, r, { mode: st.mode, mtime: new Date(0), compress: true });
    }
  };
  walk(path.resolve(dir), '');
  return finish(zip);
}

/** Build a zip from in-memory files (used by tests and examples). */
export function zipFiles(files: Record<string, string | { content: string; mode: number }>): Promise<Buffer> {
  return zipEntries(
    Object.entries(files).map(([name, f]) =>
      typeof f === 'string' ? { name, data: f } : { name, data: f.content, mode: f.mode },
    ),
  );
}

/** One entry of zipEntries: a file (permission bits `mode`, default 0o644), a directory (name ending in '/') or a link. */
export interface ZipEntry {
  name: string;
  data?: string;
  mode?: number;
  /** A symbolic link to this target. */
  link?: string;
}

/** Build a zip from entries in the order given, duplicates and links included (tests and examples). */
export function zipEntries(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.link !== undefined) zip.addBuffer(Buffer.from(e.link), e.name, { mode: 0o120777, mtime: new Date(0) });
    else if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name, { mtime: new Date(0) });
    else zip.addBuffer(Buffer.from(e.data ?? ''), e.name, { mode: 0o100000 | (e.mode ?? 0o644), mtime: new Date(0) });
  }
  return finish(zip);
}

function finish(zip: yazl.ZipFile): Promise<Buffer> {
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
