import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { setupDesk, visitorWithChat, type Desk } from '../support/chat.js';
import { RawSocket } from '../support/raw-socket.js';

describe('Messages sent back to back on one socket', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12 } } });
    desk = await setupDesk(tk, 1);
  });
  afterEach(() => tk.stop());

  it('are stored in frame order and acknowledged in frame order, each once', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const socket = await RawSocket.open(tk.url);
    const frames = socket.frames;
    socket.send({ id: 'h', type: 'hello', data: { token: v.token } });
    const count = 200;
    for (let i = 0; i < count; i++) {
      socket.send({
        id: `m${i}`,
        type: 'conversation.send',
        data: { conversationId: v.conversationId, body: `n${i}`, clientMessageId: `c${i}` },
      });
    }
    const deadline = Date.now() + 10_000;
    const acks = () => frames.filter((f) => f.type === 'ack' && String(f.id).startsWith('m'));
    while (acks().length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.ws.close();
    const answered = acks();
    expect(answered.map((f) => f.id)).to.deep.equal(
      Array.from({ length: count }, (_, i) => `m${i}`),
    );
    const seqs = answered.map((f) => f.result.message.seq as number);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).to.equal(count);
    expect(answered.map((f) => f.result.message.body)).to.deep.equal(
      Array.from({ length: count }, (_, i) => `n${i}`),
    );
    const rows = await tk
      .knex('core_messages')
      .where({ conversation_id: v.conversationId, kind: 'text' });
    expect(rows).to.have.length(count);
  });
});
