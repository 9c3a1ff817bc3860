/** XML text escaping for the awsQuery (and later restXml) codecs. */

/** Escape text for an XML element. CR is escaped too, or XML parsers would turn \r\n into \n. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r]/g, (c) => XML_ENTITIES[c]!);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};
