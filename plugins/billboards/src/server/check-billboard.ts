import { InputError } from '@switchboard/sdk';
import { BillboardLimits } from '../common/limits.js';
import type { BillboardKind } from '../common/types.js';

/** One thing wrong with a billboard: where, and what to do about it. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** The fields of a billboard that rules apply to (after merging an update into the stored one). */
export interface BillboardDraft {
  readonly kind: BillboardKind;
  readonly text: string;
  readonly linkUrl: string | null;
  readonly imageId: string | null;
  readonly intervalSeconds: number | null;
  readonly startsAt: number | null;
  readonly endsAt: number | null;
}

const EXAMPLE_LINK = 'https://example.com/offer';

/**
 * Why `url` may not be a billboard link, or null when it is a plain http(s) address. Anything
 * else (`javascript:`, `data:`, `vbscript:`, `file:`, relative paths, credentials) is refused.
 */
export function unsafeLinkReason(url: string): string | null {
  if (/[\s\u0000-\u001f\u007f]/.test(url)) {
    return `contains spaces or control characters; send a plain address such as ${EXAMPLE_LINK}`;
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    const what = scheme ? `"${scheme}:" links are refused` : 'is not an absolute address';
    return `${what}; use an http:// or https:// address such as ${EXAMPLE_LINK}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a valid address; use one such as ${EXAMPLE_LINK}`;
  }
  if (!parsed.hostname) return `names no host; use an address such as ${EXAMPLE_LINK}`;
  if (parsed.username || parsed.password) {
    return 'must not contain a user name or password; remove the "user:password@" part';
  }
  return null;
}

/** Every rule a billboard breaks (empty when it is fine). */
export function billboardProblems(d: BillboardDraft): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const length = [...d.text].length;
  if (d.text.trim().length === 0) {
    add(
      '/text',
      d.kind === 'image'
        ? 'is empty; describe the image for people who cannot see it (alternative text)'
        : 'is empty; write the message to show',
    );
  } else if (length > BillboardLimits.textMax) {
    add(
      '/text',
      `is ${length} characters long; shorten it to at most ${BillboardLimits.textMax} (plain text: HTML is shown as typed)`,
    );
  }
  if (d.kind === 'text' && d.linkUrl !== null) {
    add('/linkUrl', 'is set on a "text" billboard; use kind "link" or remove the link');
  }
  if (d.kind === 'link' && d.linkUrl === null) {
    add('/linkUrl', `is missing; a "link" billboard needs one, such as ${EXAMPLE_LINK}`);
  }
  if (d.linkUrl !== null) {
    if (d.linkUrl.length > BillboardLimits.linkMax) {
      add('/linkUrl', `is longer than ${BillboardLimits.linkMax} characters; shorten it`);
    } else {
      const reason = unsafeLinkReason(d.linkUrl);
      if (reason) add('/linkUrl', reason);
    }
  }
  if (d.kind === 'image' && d.imageId === null) {
    add(
      '/imageId',
      'is missing; upload the image first (POST /api/v1/plugins/billboards/images) and send its id',
    );
  }
  if (d.kind !== 'image' && d.imageId !== null) {
    add('/imageId', `is set on a "${d.kind}" billboard; use kind "image" or remove the image`);
  }
  const { intervalMin, intervalMax } = BillboardLimits;
  if (
    d.intervalSeconds !== null &&
    (d.intervalSeconds < intervalMin || d.intervalSeconds > intervalMax)
  ) {
    add(
      '/intervalSeconds',
      `is ${d.intervalSeconds}; pick ${intervalMin} to ${intervalMax} seconds, or null for the tenant default`,
    );
  }
  if (d.startsAt !== null && d.endsAt !== null && d.endsAt <= d.startsAt) {
    add(
      '/endsAt',
      `(${new Date(d.endsAt).toISOString()}) is not after startsAt (${new Date(d.startsAt).toISOString()}); end later than you start, or send null for no end`,
    );
  }
  return problems;
}

/** Throws one 400 `BILLBOARDS_INVALID` naming every problem. */
export function throwProblems(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const summary = problems.map((p) => `${p.path} ${p.message}`).join('; ');
  throw new InputError(`Invalid billboard: ${summary}.`, { problems }, 'BILLBOARDS_INVALID');
}
