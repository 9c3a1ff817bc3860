import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LineSplitter } from '../../src/sandbox/line-splitter.ts';

it('splits chunks into lines across chunk boundaries', () => {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  s.push(Buffer.from('hel'));
  s.push(Buffer.from('lo\nwor'));
  s.push(Buffer.from('ld\n\nlast'));
  assert.deepEqual(out, ['hello', 'world', '']);
  s.flush();
  assert.deepEqual(out, ['hello', 'world', '', 'last']);
});

it("turns '\\r' inside a record into newlines and drops a trailing CR", () => {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  s.push(Buffer.from('a\rb\rc\nwindows\r\n'));
  assert.deepEqual(out, ['a\nb\nc', 'windows']);
});

it('cuts over-long lines at 256 KB', () => {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  s.push(Buffer.from('x'.repeat(300 * 1024)));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.length, 256 * 1024);
});

it('keeps multi-byte characters split across chunks', () => {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  const bytes = Buffer.from('héllo\n');
  s.push(bytes.subarray(0, 2));
  s.push(bytes.subarray(2));
  assert.deepEqual(out, ['héllo']);
});
