import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { setupDesk, visitorWithChat, type Desk } from '../support/chat.js';
import { RawSocket } from '../support/raw-socket.js';

/** Opens a socket and says hello without waiting for the answer: its frames are collected. */
async function visitorSocket(tk: TestKernel, token: string): Promise<RawSocket> {
  const socket = await RawSocket.open(tk.url);
  socket.send({ id: 'h', type: 'hello', data: { token } });
  return socket;
}

describe('Messages of several conversations sharing group commits', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12 } } });
    desk = await setupDesk(tk, 1);
  });
  afterEach(() => tk.stop());

  it('get gap-free seqs per conversation, store each client id once and refuse only the bad frames', async () => {
    const visitors = await Promise.all(
      Array.from({ length: 4 }, () => visitorWithChat(tk, desk.embedKey)),
    );
    const sockets = await Promise.all(visitors.map((v) => visitorSocket(tk, v.token)));
    const count = 60;
    // Sent back to back on every socket at once, so batches mix conversations. Every fifth frame
    // repeats an earlier client id (in the same batch or an earlier one), every seventh names
    // another visitor's conversation, and every visitor uses the same client ids.
    const expected = sockets.map((socket, s) => {
      const frames: { id: string; clientId: string; foreign: boolean }[] = [];
      for (let i = 0; i < count; i++) {
        const foreign = i % 7 === 6;
        const clientId = i % 5 === 4 ? `c${i - 3}` : `c${i}`;
        const conversationId = foreign
          ? visitors[(s + 1) % visitors.length]!.conversationId
          : visitors[s]!.conversationId;
        frames.push({ id: `m${i}`, clientId, foreign });
        socket.send({
          id: `m${i}`,
          type: 'conversation.send',
          data: { conversationId, body: `v${s} n${i}`, clientMessageId: clientId },
        });
      }
      return frames;
    });
    const answers = (s: number) =>
      sockets[s]!.frames.filter(
        (f) => (f.type === 'ack' || f.type === 'error') && String(f.id).startsWith('m'),
      );
    const deadline = Date.now() + 10_000;
    while (sockets.some((_, s) => answers(s).length < count) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const socket of sockets) socket.ws.close();

    for (let s = 0; s < sockets.length; s++) {
      const got = answers(s);
      expect(got.map((f) => f.id)).to.deep.equal(expected[s]!.map((f) => f.id));
      const byClientId = new Map<string, any>();
      for (let i = 0; i < count; i++) {
        const frame = got[i];
        const sent = expected[s]![i]!;
        if (sent.foreign) {
          expect(frame.type, JSON.stringify(frame)).to.equal('error');
          expect(frame.error.code).to.equal('CONVERSATION_NOT_FOUND');
          continue;
        }
        expect(frame.type, JSON.stringify(frame)).to.equal('ack');
        const earlier = byClientId.get(sent.clientId);
        if (earlier) {
          expect(frame.result.duplicate).to.equal(true);
          expect(frame.result.message.id).to.equal(earlier.id);
        } else {
          expect(frame.result.duplicate).to.equal(false);
          byClientId.set(sent.clientId, frame.result.message);
        }
      }
      const rows = await tk
        .knex('core_messages')
        .where({ conversation_id: visitors[s]!.conversationId, kind: 'text' })
        .orderBy('seq');
      expect(rows.map((r) => r.client_message_id).sort()).to.deep.equal(
        [...byClientId.keys()].sort(),
      );
      expect(rows.map((r) => r.body)).to.deep.equal([...byClientId.values()].map((m) => m.body));
      const all = await tk
        .knex('core_messages')
        .where({ conversation_id: visitors[s]!.conversationId })
        .orderBy('seq');
      expect(all.map((r) => Number(r.seq))).to.deep.equal(all.map((_, i) => i + 1));
      const conversation = await tk
        .knex('core_conversations')
        .where({ id: visitors[s]!.conversationId })
        .first();
      expect(Number(conversation.last_seq)).to.equal(all.length);
      expect(Number(conversation.last_visitor_seq)).to.equal(
        all.filter((r) => r.visibility === 'public').length,
      );
    }
  });
});
