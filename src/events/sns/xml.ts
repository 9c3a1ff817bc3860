/** The XML of SNS's query protocol: results as <Name><member>/<entry> elements, escaped text. */
import { escapeXml } from '../../api/xml.ts';
export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export { escapeXml };

/** Fields whose value is a string map (rendered as <entry><key/><value/></entry>). */
const MAP_FIELDS = new Set(['Attributes']);

/** Serialize a value as the content of an element named `name`. */
export function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element('member', v)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const inner = MAP_FIELDS.has(name)
      ? Object.entries(obj)
          .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${escapeXml(String(v))}</value></entry>`)
          .join('')
      : Object.entries(obj)
          .map(([k, v]) => element(k, v))
          .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole query-protocol response: <ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>. */
export function responseXml(action: string, result: Record<string, unknown> | undefined, requestId: string): string {
  const body = result ? element(`${action}Result`, result) : '';
  return (
    `<?xml version="1.0"?>\n<${action}Response xmlns="${SNS_XMLNS}">${body}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
