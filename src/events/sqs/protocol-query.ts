/**
 * The query protocol (what the AWS CLI speaks to SQS): flat form parameters such as
 * `Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60` become the same JSON-shaped input the
 * JSON protocol carries, and JSON-shaped results become the XML answers, with the SQS namespace.
 */
import type { GustError } from '../../errors.ts';
import { isUnsafeParamName } from '../../api/aws-dispatch.ts';
import type { SqsErrorShape } from './error-shapes.ts';
import { el, escapeXml, textEl } from './xml.ts';

const NS = 'http://queue.amazonaws.com/doc/2012-11-05/';

interface Tree {
  [k: string]: Tree | string;
}

type Rule =
  | { kind: 'list'; to: string }
  | { kind: 'map'; to: string; key: string; value: string }
  | { kind: 'msgattrs'; to: string }
  | { kind: 'entries'; to: string };

/** Flattened query members and the JSON member each one becomes. */
const RULES: Record<string, Rule> = {
  Attribute: { kind: 'map', to: 'Attributes', key: 'Name', value: 'Value' },
  Tag: { kind: 'map', to: 'Tags', key: 'Key', value: 'Value' },
  AttributeName: { kind: 'list', to: 'AttributeNames' },
  MessageSystemAttributeName: { kind: 'list', to: 'MessageSystemAttributeNames' },
  MessageAttributeName: { kind: 'list', to: 'MessageAttributeNames' },
  TagKey: { kind: 'list', to: 'TagKeys' },
  StringListValue: { kind: 'list', to: 'StringListValues' },
  BinaryListValue: { kind: 'list', to: 'BinaryListValues' },
  MessageAttribute: { kind: 'msgattrs', to: 'MessageAttributes' },
  MessageSystemAttribute: { kind: 'msgattrs', to: 'MessageSystemAttributes' },
  SendMessageBatchRequestEntry: { kind: 'entries', to: 'Entries' },
  DeleteMessageBatchRequestEntry: { kind: 'entries', to: 'Entries' },
  ChangeMessageVisibilityBatchRequestEntry: { kind: 'entries', to: 'Entries' },
};

function unflatten(params: Record<string, unknown>): Tree {
  const root: Tree = {};
  for (const [key, value] of Object.entries(params)) {
    if (isUnsafeParamName(key)) continue;
    const parts = key.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (typeof next === 'object') node = next;
      else node = node[p] = {};
    }
    const last = parts.at(-1)!;
    if (typeof node[last] !== 'object') node[last] = String(value);
  }
  return root;
}

/** Members `1`, `2`, ... of a flattened list, in index order. */
function listOf(v: Tree | string): (Tree | string)[] {
  if (typeof v === 'string') return [v];
  return Object.keys(v)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => v[k]!);
}

const asTree = (v: Tree | string | undefined): Tree => (typeof v === 'object' ? v : {});

function convert(node: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    const rule = RULES[k];
    if (!rule) {
      out[k] = typeof v === 'string' ? v : convert(v);
    } else if (rule.kind === 'list') {
      out[rule.to] = listOf(v).map((x) => (typeof x === 'string' ? x : convert(x)));
    } else if (rule.kind === 'map') {
      out[rule.to] = Object.fromEntries(
        listOf(v).map((e) => [asTree(e)[rule.key] ?? '', (asTree(e)[rule.value] as string | undefined) ?? '']),
      );
    } else if (rule.kind === 'msgattrs') {
      out[rule.to] = Object.fromEntries(listOf(v).map((e) => [asTree(e).Name ?? '', convert(asTree(asTree(e).Value))]));
    } else {
      out[rule.to] = listOf(v).map((e) => convert(asTree(e)));
    }
  }
  return out;
}

/** Query-protocol parameters as the JSON-shaped input of the action. */
export function queryInput(params: Record<string, unknown>): Record<string, unknown> {
  const input = convert(unflatten(params));
  delete input.Action;
  delete input.Version;
  return input;
}

const LISTS: Record<string, string> = {
  Messages: 'Message',
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Failed: 'BatchResultErrorEntry',
  StringListValues: 'StringListValue',
  BinaryListValues: 'BinaryListValue',
};
const MAPS: Record<string, [string, string, string]> = {
  Attributes: ['Attribute', 'Name', 'Value'],
  MessageAttributes: ['MessageAttribute', 'Name', 'Value'],
  Tags: ['Tag', 'Key', 'Value'],
};

function render(name: string, value: unknown, action: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const member = name === 'Successful' ? `${action}ResultEntry` : (LISTS[name] ?? 'member');
    return value.map((v) => render(member, v, action)).join('');
  }
  if (typeof value === 'object') {
    const map = MAPS[name];
    if (map) {
      const [entry, k, v] = map;
      return Object.entries(value as Record<string, unknown>)
        .map(([key, val]) => el(entry, textEl(k, key) + render(v, val, action)))
        .join('');
    }
    return el(name, renderMembers(value as Record<string, unknown>, action));
  }
  return textEl(name, value as string | number | boolean);
}

function renderMembers(obj: Record<string, unknown>, action: string): string {
  return Object.entries(obj)
    .map(([k, v]) => render(k, v, action))
    .join('');
}

/** Actions whose responses carry no result element. */
const NO_RESULT = new Set([
  'DeleteMessage',
  'DeleteQueue',
  'SetQueueAttributes',
  'PurgeQueue',
  'TagQueue',
  'UntagQueue',
  'ChangeMessageVisibility',
]);

export function xmlResponse(action: string, result: Record<string, unknown>, requestId: string): string {
  const body = NO_RESULT.has(action) ? '' : el(`${action}Result`, renderMembers(result, action));
  return (
    `<?xml version="1.0"?><${action}Response xmlns="${NS}">${body}` +
    `<ResponseMetadata>${textEl('RequestId', requestId)}</ResponseMetadata></${action}Response>`
  );
}

export function xmlError(shape: SqsErrorShape, err: GustError, requestId: string): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error>` +
    `${textEl('Type', shape.type)}${textEl('Code', shape.code)}${el('Message', escapeXml(err.message))}<Detail/>` +
    `</Error>${textEl('RequestId', requestId)}</ErrorResponse>`
  );
}
