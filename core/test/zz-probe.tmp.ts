import { createTestKernel } from '@switchboard/sdk/testing';
import { createFixtureTenant } from './support/tenant-fixture.js';
const tk = await createTestKernel({ config: { auth: { scryptLog2N: 12, loginPerMinute: 10000 } } });
const A = await createFixtureTenant(tk, 'A');
for (const q of ['afterSeq=1e21', 'afterSeq=99999999999999999999', 'afterSeq=9223372036854775808', 'limit=1e3']) {
  const r = await tk.request('GET', `/api/v1/conversations/${A.conversationId}/messages?${q}`, undefined, A.agent.token);
  console.log(q, r.status, JSON.stringify(r.body).slice(0, 200));
}
await tk.stop();
