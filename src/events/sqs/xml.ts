/** A tiny XML writer for the query protocol's responses. */

/** Escape text for an XML element. CR is escaped too, or XML parsers would turn \r\n into \n. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? '&quot;'
            : c === "'"
              ? '&apos;'
              : '&#xD;',
  );
}

export function el(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

export function textEl(name: string, value: string | number | boolean): string {
  return el(name, escapeXml(String(value)));
}
