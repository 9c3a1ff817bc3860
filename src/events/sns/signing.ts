/**
 * Message signatures as SNS makes them: an RSA key and a self-signed X.509 certificate per Gust
 * home (served at SigningCertURL), SignatureVersion 1 = SHA1withRSA and 2 = SHA256withRSA over
 * SNS's canonical "Name\nValue\n" string. Clients can verify with the certificate; they must trust
 * it explicitly (it is not issued for sns.amazonaws.com).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';

export type SignedType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** Fields of the canonical string, in SNS's order. */
const FIELDS: Record<SignedType, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The string SNS signs: each present field as "Name\nValue\n". */
export function canonicalString(type: SignedType, fields: Record<string, string | undefined | null>): string {
  let s = '';
  for (const name of FIELDS[type]) {
    const v = name === 'Type' ? type : fields[name];
    if (v === undefined || v === null) continue;
    s += `${name}\n${v}\n`;
  }
  return s;
}

export interface SigningMaterial {
  privateKeyPem: string;
  certificatePem: string;
}

export class Signer {
  private loaded?: { key: KeyObject; certificatePem: string; certificateFile: string };

  /**
   * `material` is called on first use: generating an RSA key takes a few hundred milliseconds of
   * blocked event loop, which a server that never publishes (or a fresh test server) should not pay.
   */
  constructor(private material: () => SigningMaterial) {}

  private get m(): { key: KeyObject; certificatePem: string; certificateFile: string } {
    if (!this.loaded) {
      const mat = this.material();
      const hash = createHash('sha256').update(mat.certificatePem).digest('hex').slice(0, 32);
      this.loaded = {
        key: createPrivateKey(mat.privateKeyPem),
        certificatePem: mat.certificatePem,
        // The name under which the certificate is served (like SNS's SimpleNotificationService-<hash>.pem).
        certificateFile: `SimpleNotificationService-${hash}.pem`,
      };
    }
    return this.loaded;
  }

  get certificatePem(): string {
    return this.m.certificatePem;
  }

  get certificateFile(): string {
    return this.m.certificateFile;
  }

  sign(type: SignedType, fields: Record<string, string | undefined | null>, version: '1' | '2' = '1'): string {
    const data = Buffer.from(canonicalString(type, fields), 'utf8');
    return sign(version === '2' ? 'sha256' : 'sha1', data, this.m.key).toString('base64');
  }
}

/** A new RSA key and a self-signed certificate for it (valid 10 years). */
export function createSigningMaterial(commonName = 'sns.gust.local'): SigningMaterial {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    sha256WithRsa,
    name,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 10 * 365 * 86_400_000))),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`,
  };
}

// ---- minimal DER encoding ----

function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let n = p >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(s, 'ascii'));
}
