import { createTestKernel } from '@switchboard/sdk/testing';
import { createFixtureTenant } from './support/tenant-fixture.js';
const tk = await createTestKernel({
  logLevel: 'silent',
  config: { auth: { scryptLog2N: 12, loginPerMinute: 10000 } },
});
const A = await createFixtureTenant(tk, 'A');
const show = async (what: string, p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  console.log(what, r.status, r.body?.error?.code ?? '');
};
await show(
  'lang 38',
  tk.request(
    'POST',
    '/api/v1/visitor/session',
    { embedKey: A.embedKey, language: 'en-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd' },
    null,
  ),
);
await show(
  'NUL body',
  tk.request(
    'POST',
    `/api/v1/conversations/${A.conversationId}/messages`,
    { body: 'a\u0000b' },
    A.visitor.token,
  ),
);
await show(
  'NUL name identify',
  tk.request('PATCH', '/api/v1/visitor', { name: 'a\u0000b' }, A.visitor.token),
);
await show(
  'NUL page title',
  tk.request(
    'POST',
    '/api/v1/visitor/page-views',
    { url: 'https://x.example/\u0000', title: 'a\u0000' },
    A.visitor.token,
  ),
);
await show(
  'NUL end reason',
  tk.request(
    'POST',
    `/api/v1/conversations/${A.waitingConversationId}/end`,
    { reason: 'a\u0000' },
    A.waitingVisitor.token,
  ),
);
await show(
  'NUL user name',
  tk.request(
    'POST',
    '/api/v1/users',
    { email: 'n@example.test', name: 'a\u0000', role: 'agent', password: 'pw-abcdefghijkl' },
    A.admin.token,
  ),
);
await show(
  'NUL site name',
  tk.request('POST', '/api/v1/sites', { name: 'a\u0000' }, A.admin.token),
);
await show(
  'NUL dept name',
  tk.request('POST', '/api/v1/departments', { name: 'a\u0000' }, A.admin.token),
);
await show('NUL tenant', tk.request('POST', '/api/v1/tenants', { name: 'a\u0000' }));
await show(
  'NUL audit action',
  tk.request('GET', '/api/v1/audit?action=a%00', undefined, A.admin.token),
);
await show(
  'NUL login email',
  tk.request('POST', '/api/v1/auth/login', { email: 'a\u0000@x', password: 'x' }, null),
);
await show(
  'NUL cursor',
  tk.request('GET', '/api/v1/conversations?cursor=%00', undefined, A.admin.token),
);
await show(
  'NUL startSession name',
  tk.request('POST', '/api/v1/visitor/session', { embedKey: A.embedKey, name: 'a\u0000' }, null),
);
await show(
  'NUL embedKey',
  tk.request('GET', '/api/v1/widget/config?embedKey=abc%00defgh', undefined, null),
);
await show(
  'NUL embedKey session',
  tk.request('POST', '/api/v1/visitor/session', { embedKey: 'abc\u0000defgh' }, null),
);
await show(
  'NUL conv id',
  tk.request('GET', `/api/v1/conversations/a%00b`, undefined, A.admin.token),
);
await show('NUL token', tk.request('GET', `/api/v1/auth/me`, undefined, 'abc'));
await show(
  'NUL prechat',
  tk.request(
    'POST',
    '/api/v1/visitor/offline-messages',
    { body: 'a\u0000' },
    A.waitingVisitor.token,
  ),
);
await show(
  'afterSeq 2^31',
  tk.request(
    'GET',
    `/api/v1/conversations/${A.conversationId}/messages?afterSeq=2147483648`,
    undefined,
    A.admin.token,
  ),
);
await show(
  'transcript id NUL',
  tk.request('GET', `/api/v1/conversations/x%00/transcript`, undefined, A.admin.token),
);
await show(
  'attachment id NUL',
  tk.request('GET', `/api/v1/attachments/x%00`, undefined, A.admin.token),
);
await show(
  'upload NUL filename',
  (async () => {
    const r = await fetch(
      `${tk.url}/api/v1/conversations/${A.conversationId}/attachments?filename=a%00b.txt&contentType=text/plain`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${A.visitor.token}`,
          'content-type': 'application/octet-stream',
        },
        body: 'x',
      },
    );
    return { status: r.status, body: await r.json() };
  })(),
);
await tk.stop();
