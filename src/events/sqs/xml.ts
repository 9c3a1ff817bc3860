/** A tiny XML writer for the query protocol's responses. */
import { escapeXml } from '../../api/xml.ts';

export { escapeXml };

export function el(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

export function textEl(name: string, value: string | number | boolean): string {
  return el(name, escapeXml(String(value)));
}
