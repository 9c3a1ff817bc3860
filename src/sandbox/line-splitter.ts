/**
 * Splits a process's output stream into log records: one per '\n'. Runtimes write a multi-line
 * record as one line with '\r' in place of inner newlines (as AWS's runtime clients do), which is
 * turned back into '\n' here. Over-long lines are cut at Lambda's 256 KB event size.
 */
import { StringDecoder } from 'node:string_decoder';

const MAX_LINE = 256 * 1024;

export class LineSplitter {
  private partial = '';
  private decoder = new StringDecoder('utf8');

  constructor(private emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      this.out(text.slice(start, nl));
      start = nl + 1;
    }
    this.partial = text.slice(start);
    if (this.partial.length > MAX_LINE) {
      this.out(this.partial);
      this.partial = '';
    }
  }

  flush(): void {
    this.partial += this.decoder.end();
    if (this.partial) this.out(this.partial);
    this.partial = '';
  }

  private out(line: string): void {
    let l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (l.length > MAX_LINE) l = l.slice(0, MAX_LINE);
    this.emit(l.includes('\r') ? l.replace(/\r/g, '\n') : l);
  }
}
