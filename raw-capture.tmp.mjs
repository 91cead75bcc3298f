import { WebSocket } from 'ws';
const SB = 'http://127.0.0.1:18081';
const WS = 'ws://127.0.0.1:18081/api/v1/ws';
const j = (r) => r.json();
const post = (path, token, body) => fetch(SB + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body ?? {}) }).then(j);
const get = (path, token) => fetch(SB + path, { headers: { authorization: `Bearer ${token}` } }).then(j);
const admin = (await post('/api/v1/auth/login', null, { email: 'ada@example.com', password: 'correct horse battery staple' })).token;
await post('/api/v1/users', admin, { email: 'bob@example.com', name: 'Bob Agent', role: 'agent', password: 'bob-agent-passphrase' });
const agent = (await post('/api/v1/auth/login', null, { email: 'bob@example.com', password: 'bob-agent-passphrase' })).token;
const embedKey = (await get('/api/v1/sites', admin)).sites[0].embedKey;

function open(name, token, extra = {}) {
  const ws = new WebSocket(WS, extra);
  const frames = [];
  ws.on('message', (d) => { const f = JSON.parse(d.toString()); frames.push(f); console.log(`${name} <- ${JSON.stringify(f)}`); });
  ws.on('close', (c, r) => console.log(`${name} closed ${c} ${r}`));
  const send = (f) => { console.log(`${name} -> ${JSON.stringify(f)}`); ws.send(JSON.stringify(f)); };
  return new Promise((res) => ws.on('open', () => res({ ws, frames, send })));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const A = await open('agent', agent);
A.send({ id: 'h1', type: 'hello', data: { token: agent, protocol: 1 } });
await sleep(200);
A.send({ id: 'c1', type: 'presence.set', data: { presence: 'online' } });
await sleep(200);
const vs = await post('/api/v1/visitor/session', null, { embedKey, name: 'Vera' });
await sleep(200);
const V = await open('visitor', vs.token);
V.send({ id: 'h1', type: 'hello', data: { token: vs.token } });
await sleep(200);
V.send({ id: 'v1', type: 'visitor.pageView', data: { url: 'https://shop.example.com/cart', title: 'Cart' } });
await sleep(200);
V.send({ id: 'v2', type: 'conversation.request', data: {} });
await sleep(300);
const cid = V.frames.find((f) => f.id === 'v2').result.conversation.id;
A.send({ id: 'c2', type: 'conversation.pick', data: { conversationId: cid } });
await sleep(300);
V.send({ id: 'v3', type: 'conversation.typing', data: { conversationId: cid, typing: true } });
await sleep(100);
V.send({ id: 'v4', type: 'conversation.send', data: { conversationId: cid, body: 'Hi!', clientMessageId: 'v-1' } });
await sleep(200);
A.send({ id: 'c3', type: 'conversation.send', data: { conversationId: cid, body: 'note', visibility: 'internal' } });
await sleep(200);
A.send({ id: 'c4', type: 'conversation.send', data: { conversationId: cid, body: 'Hello Vera' } });
await sleep(200);
console.log('--- errors');
A.send({ id: 'c5', type: 'conversation.send', data: { conversationId: cid } });
await sleep(100);
A.send({ id: 'c6', type: 'nope.nothing', data: {} });
await sleep(100);
A.send({ id: 'c7', type: 'auth.login', data: {} });
await sleep(100);
A.ws.send('not json');
await sleep(100);
A.send({ id: 'c8', type: 'ping' });
await sleep(100);
A.send({ id: 'c9', type: 'hello', data: { token: agent } });
await sleep(100);
V.send({ id: 'v5', type: 'conversation.messages', data: { conversationId: cid, afterSeq: 0 } });
await sleep(200);
A.send({ id: 'c10', type: 'conversations.transcript', data: { conversationId: cid, format: 'xml' } });
await sleep(300);
console.log('--- heartbeat wait');
await sleep(2300);
console.log('--- resume');
V.ws.close();
await sleep(100);
// agent sends 2 messages while visitor away
A.send({ id: 'c11', type: 'conversation.send', data: { conversationId: cid, body: 'Still there?' } });
await sleep(200);
const V2 = await open('visitor2', vs.token);
V2.send({ id: 'h2', type: 'hello', data: { token: vs.token, resume: { [cid]: 3 } } });
await sleep(400);
V2.ws.close();
A.ws.close();
// gap
for (let i = 0; i < 5; i++) await post(`/api/v1/conversations/${cid}/messages`, agent, { body: `m${i}` });
const A2 = await open('agent2', agent);
A2.send({ id: 'h3', type: 'hello', data: { token: agent, resume: { [cid]: 2, cnv_doesnotexist: 0 } } });
await sleep(400);
A2.ws.close();
// bad token
const B = await open('bad', 'x');
B.send({ id: 'h4', type: 'hello', data: { token: 'sbu_nope' } });
await sleep(300);
// first frame not hello
const C = await open('nohello', 'x');
C.send({ id: 'x1', type: 'ping' });
await sleep(300);
// logout revokes
const A3 = await open('agent3', agent);
A3.send({ id: 'h5', type: 'hello', data: { token: agent } });
await sleep(200);
console.log('logout', (await fetch(SB + '/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${agent}` } })).status);
await sleep(500);
process.exit(0);
