// Slack request signing (v0): HMAC-SHA256 of `v0:${timestamp}:${body}` with the signing secret,
// compared in constant time; requests more than five minutes from our clock are refused as stale.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale' | 'bad_signature' };

export function signatureFor(secret: string, timestamp: string | number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function verifySlackSignature(args: {
  secret: string;
  body: string;
  signature: string | string[] | undefined;
  timestamp: string | string[] | undefined;
  nowSeconds: number;
}): VerifyResult {
  const { signature, timestamp } = args;
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !signature || !timestamp) {
    return { ok: false, reason: 'missing_headers' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(args.nowSeconds - Number(timestamp)) > MAX_REQUEST_AGE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signatureFor(args.secret, timestamp, args.body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
