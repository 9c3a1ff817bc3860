/** Rewrites the README's configuration table from src/config.ts's SETTINGS (`npm run docs:config`). */
import fs from 'node:fs';
import path from 'node:path';
import { renderSettingsTable } from '../src/config.ts';

const README = path.resolve(import.meta.dirname, '..', 'README.md');
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';
const text = fs.readFileSync(README, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
fs.writeFileSync(README, `${text.slice(0, a + START.length)}\n${renderSettingsTable()}\n${text.slice(b)}`);
