// first-chat.mjs: an agent and a visitor chatting over the WebSocket.
import { WebSocket } from 'ws';
import { SwitchboardClient } from '@switchboard/sdk/client';

const url = process.env.SB ?? 'http://localhost:8080';
const { AGENT_TOKEN, EMBED_KEY } = process.env;

// The visitor's session comes from the site's embed key (REST only: it answers a token).
const session = await fetch(`${url}/api/v1/visitor/session`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ embedKey: EMBED_KEY, name: 'Walt Widget' }),
}).then((r) => r.json());

const agent = new SwitchboardClient({ url, token: AGENT_TOKEN, WebSocket });
const visitor = new SwitchboardClient({ url, token: session.token, WebSocket });

agent.on('conversation.updated', (e) =>
  console.log('agent   <- conversation.updated', e.conversation.id, e.conversation.state, e.conversation.colour),
);
agent.on('message.created', (e) => console.log('agent   <- message.created', e.seq, e.message.visibility, JSON.stringify(e.message.body)));
visitor.on('message.created', (e) => console.log('visitor <- message.created', e.seq, e.message.author.kind, JSON.stringify(e.message.body)));
visitor.on('typing', (e) => console.log('visitor <- typing', JSON.stringify(e)));

console.log('agent hello  ', JSON.stringify(await agent.connect()));
console.log('visitor hello', JSON.stringify(await visitor.connect()));
await agent.call('presence.set', { presence: 'online' });

const request = await visitor.call('conversation.request', {});
console.log('visitor requested:', JSON.stringify(request));
const conversationId = request.conversation.id;

const picked = await agent.call('conversation.pick', { conversationId });
console.log('agent picked:', picked.state, picked.colour);

await visitor.call('conversation.send', { conversationId, body: 'Hello from the widget', clientMessageId: 'w-1' });
await agent.call('conversation.typing', { conversationId, typing: true });
await agent.call('conversation.send', { conversationId, body: 'Noted for the team', visibility: 'internal' });
await agent.call('conversation.send', { conversationId, body: 'Hi Walt, how can I help?', clientMessageId: 'a-1' });
await visitor.call('conversation.end', { conversationId });

await new Promise((r) => setTimeout(r, 300)); // let the last events arrive
console.log('visitor tracks', JSON.stringify(visitor.tracked()), '| agent tracks', JSON.stringify(agent.tracked()));
await Promise.all([agent.close(), visitor.close()]);
