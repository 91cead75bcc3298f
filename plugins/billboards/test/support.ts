import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { accountsTestConfig } from '../../../core/test/support/accounts.js';

export const pluginDir = fileURLToPath(new URL('..', import.meta.url));

/** Cheap logins and no visitor-session limit: suites create many visitors. */
export const testConfig = {
  ...accountsTestConfig,
  auth: { ...accountsTestConfig.auth, visitorSessionsPerMinute: 100_000 },
};

/** A test kernel with the billboards plugin. */
export function boot(): Promise<TestKernel> {
  return createTestKernel({ plugins: [pluginDir], config: testConfig });
}

/** Awaits a request and asserts its status, answering the body. */
export async function ok(
  pending: Promise<{ status: number; body: any }>,
  status: number,
  what = 'request',
): Promise<any> {
  const res = await pending;
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
  return res.body;
}

/** A text billboard body for `siteId`, with `extra` fields. */
export const textBillboard = (
  siteId: string,
  text: string,
  extra: Record<string, unknown> = {},
) => ({
  siteId,
  kind: 'text',
  text,
  ...extra,
});

/** The smallest valid PNG (1×1, transparent). */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Uploads raw bytes to `POST /images`. */
export async function uploadRaw(
  tk: TestKernel,
  token: string,
  bytes: Buffer,
  contentType = 'application/octet-stream',
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tk.url}/api/v1/plugins/billboards/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}
