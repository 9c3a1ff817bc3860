/**
 * The awsQuery protocol: form parameters in (`Attribute.1.Name=VisibilityTimeout`,
 * `Attributes.entry.1.key=...`, `Entries.member.2.Id=...`), XML out
 * (`<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>`). Both directions follow the
 * operation's schema: xmlName and xmlFlattened traits name the parameters exactly as the SDK's
 * QueryShapeSerializer writes them; responses are written by the SDK's own XmlShapeSerializer.
 */
import type { NormalizedSchema } from '@smithy/core/schema';
import { XmlShapeSerializer } from '@aws-sdk/core/protocols';
import { escapeXml } from './xml-text.ts';
import type { OperationModel } from '../model.ts';
import { decodeBase64, parseTimestamp, serializationError } from './values.ts';

/** One dotted segment of the parameter names: its value (if a parameter ends here) and children. */
interface Node {
  value?: string;
  children: Map<string, Node>;
}

function tree(params: Iterable<[string, string]>): Node {
  const root: Node = { children: new Map() };
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split('.')) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { children: new Map() }));
      node = next;
    }
    node.value ??= value;
  }
  return root;
}

/** Children `1`, `2`, ... in index order. */
function indexed(node: Node | undefined): Node[] {
  if (!node) return [];
  return [...node.children.entries()]
    .filter(([k]) => /^[1-9]\d*$/.test(k))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, n]) => n);
}

const xmlName = (ns: NormalizedSchema, fallback: string): string =>
  (ns.getMergedTraits().xmlName as string | undefined) ?? fallback;

function scalar(ns: NormalizedSchema, s: string, path: string): unknown {
  if (ns.isStringSchema()) return s;
  if (ns.isBooleanSchema()) {
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw serializationError(`Value '${s}' at '${path}' must be true or false.`);
  }
  if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) {
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) || s === 'NaN' || s === 'Infinity' || s === '-Infinity') {
      return ns.isNumericSchema() ? Number(s) : s;
    }
    throw serializationError(`Value '${s}' at '${path}' must be a number.`);
  }
  if (ns.isBlobSchema()) return decodeBase64(s, path);
  if (ns.isTimestampSchema()) return parseTimestamp(s, path);
  return s;
}

function read(ns: NormalizedSchema, node: Node, path: string): unknown {
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const key = xmlName(member, name);
      const child = node.children.get(key);
      if (!child) continue;
      const v = read(member, child, path ? `${path}.${key}` : key);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  if (ns.isListSchema()) {
    const item = ns.getValueSchema();
    const flat = !!ns.getMergedTraits().xmlFlattened;
    const holder = flat ? node : node.children.get(xmlName(item, 'member'));
    // `Name=` with no members is how the SDK sends an empty list.
    if (!holder) {
      if (node.value) throw serializationError(`Value '${node.value}' at '${path}' must be a list.`);
      return node.value !== undefined ? [] : undefined;
    }
    return indexed(holder).map((n, i) => read(item, n, `${path}.${i + 1}`));
  }
  if (ns.isMapSchema()) {
    const flat = !!ns.getMergedTraits().xmlFlattened;
    const keyName = xmlName(ns.getKeySchema(), 'key');
    const valueSchema = ns.getValueSchema();
    const valueName = xmlName(valueSchema, 'value');
    const out = Object.create(null) as Record<string, unknown>;
    if (node.value && node.children.size === 0) {
      throw serializationError(`Value '${node.value}' at '${path}' must be a map.`);
    }
    for (const entry of indexed(flat ? node : node.children.get('entry'))) {
      const k = entry.children.get(keyName)?.value;
      const v = entry.children.get(valueName);
      if (k === undefined) throw serializationError(`A map entry at '${path}' has no ${keyName}.`);
      out[k] = v ? read(valueSchema, v, `${path}.${k}`) : undefined;
    }
    return out;
  }
  if (node.value === undefined) return undefined;
  return scalar(ns, node.value, path);
}

/** The input of `op` from the request's form parameters (query string and body, Action/Version included). */
export function readQueryInput(op: OperationModel, params: Iterable<[string, string]>): Record<string, unknown> {
  if (!op.input.isStructSchema()) return {};
  return read(op.input, tree(params), '') as Record<string, unknown>;
}

/** The members of `output` as XML, without the output structure's own element. */
function membersXml(output: NormalizedSchema, value: Record<string, unknown>): string {
  const s = new XmlShapeSerializer({ serviceNamespace: '', timestampFormat: { useTrait: true, default: 5 } } as never);
  s.write(output, value);
  const xml = String(s.flush());
  const open = /^<[^\s>/]+(?:\s[^>]*)?(\/?)>/.exec(xml);
  if (!open) return '';
  if (open[1] === '/') return '';
  return xml.slice(open[0].length, xml.lastIndexOf('</'));
}

export function queryResponseXml(
  op: OperationModel,
  xmlNamespace: string,
  output: Record<string, unknown> | undefined,
  requestId: string,
): string {
  const result = op.output.isStructSchema()
    ? `<${op.name}Result>${membersXml(op.output, output ?? {})}</${op.name}Result>`
    : '';
  return (
    `<?xml version="1.0"?><${op.name}Response xmlns="${xmlNamespace}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${op.name}Response>`
  );
}

export function queryErrorXml(
  xmlNamespace: string,
  e: { code: string; message: string; fault: 'Sender' | 'Receiver' },
  requestId: string,
  detail = false,
): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${e.fault}</Type>` +
    `<Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message>${detail ? '<Detail/>' : ''}</Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
