import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import {
  announced,
  consoleDesk,
  eventually,
  focusedTag,
  goOnline,
  history,
  consoleKernel,
  launchBrowser,
  listItem,
  requestChat,
  screenshot,
  signIn,
  startVisitor,
} from './support/console.js';

/** Resolves when `predicate` holds for an event the client emitted (or already emitted). */
function waitFor<T>(events: T[], predicate: (e: T) => boolean, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const hit = events.find(predicate);
      if (hit) return resolve(hit);
      if (Date.now() - started > 10_000) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 50);
    };
    check();
  });
}

describe('The agent console: chatting', () => {
  let tk: TestKernel;
  let browser: Browser;

  before(async () => {
    tk = await consoleKernel();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tk?.stop();
  });

  it('lets an agent go online, take a waiting chat, chat live both ways with typing, and end it', async () => {
    const desk = await consoleDesk(tk);
    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      // Presence: offline → online through the switch, seen by the server.
      await page.getByLabel('Presence').selectOption('online');
      await eventually(
        async () => (await tk.request('GET', '/api/v1/auth/me', undefined, desk.agent.token)).body,
        (me) => expect(me.user.presence).to.equal('online'),
      );
      const visitor = await startVisitor(tk, desk.embedKey, { name: 'Vera Visitor' });
      const events: any[] = [];
      visitor.client.on('message.created', (e) => events.push(e));
      visitor.client.on('typing', (e) => events.push(e));
      visitor.client.on('conversation.updated', (e) => events.push(e));
      const conversationId = await requestChat(tk, visitor.token);

      // It shows up as waiting, in text and not only in colour, and the title counts it.
      const item = listItem(page, conversationId);
      await item.waitFor();
      await eventually(
        () => item.innerText(),
        (v) => expect(v).to.match(/Vera Visitor[\s\S]*Waiting for chat/),
      );
      expect(await item.getAttribute('data-colour')).to.equal('red');
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('(1) Switchboard'),
      );
      await eventually(
        () => announced(page),
        (v) => expect(v).to.contain('New chat waiting: Vera Visitor'),
      );

      // Open and take it; focus moves to the composer.
      await item.click();
      await page.getByText('Position 1 of 1 in the queue').waitFor();
      await page.getByRole('button', { name: 'Take chat' }).click();
      const composer = page.getByRole('textbox', { name: 'Message' });
      await composer.waitFor();
      await eventually(
        () => focusedTag(page),
        (v) => expect(v).to.equal('TEXTAREA'),
      );
      await eventually(
        () => page.getByTestId('conversation-state').innerText(),
        (v) => expect(v).to.contain('Waiting for visitor'),
      );

      // Visitor → console, live, with the announcement.
      await visitor.client.call('conversation.send', {
        conversationId,
        body: 'Hi, is anyone there?',
        clientMessageId: 'v-1',
      });
      await history(page).getByText('Hi, is anyone there?').waitFor();
      await eventually(
        () => announced(page),
        (v) => expect(v).to.contain('New message from Vera Visitor: Hi, is anyone there?'),
      );
      await eventually(
        () => page.getByTestId('conversation-state').innerText(),
        (v) => expect(v).to.contain('Waiting for agent'),
      );

      // Visitor typing shows in the console.
      await visitor.client.call('conversation.typing', { conversationId, typing: true });
      await eventually(
        () => page.getByTestId('typing').innerText(),
        (v) => expect(v).to.contain('Visitor is typing'),
      );

      // Agent typing reaches the visitor; Enter sends; Shift+Enter makes a new line.
      await composer.click();
      await composer.pressSequentially('Hello Vera,');
      await waitFor(
        events,
        (e) => e.type === 'typing' && e.author.kind === 'agent' && e.typing,
        'agent typing',
      );
      await composer.press('Shift+Enter');
      await composer.pressSequentially('how can I help?');
      await composer.press('Enter');
      const reply = await waitFor(
        events,
        (e) => e.type === 'message.created' && e.message.author.kind === 'agent',
        'the agent reply',
      );
      expect(reply.message.body).to.equal('Hello Vera,\nhow can I help?');
      expect(await composer.inputValue()).to.equal('');
      await history(page).getByText('how can I help?').waitFor();

      // An internal note is marked and never reaches the visitor.
      await page.getByRole('checkbox', { name: 'Internal note' }).check();
      const note = page.getByRole('textbox', { name: /Internal note/ });
      await note.fill('VIP customer, be nice');
      await note.press('Enter');
      const noteItem = page.getByRole('article', { name: /Internal note from Alice Agent/ });
      await noteItem.waitFor();
      expect(await noteItem.innerText()).to.match(/internal/i);
      await screenshot(page, 'console-chat-active');

      // A file goes out as a file message, shown as a download link.
      await page.getByRole('checkbox', { name: 'Internal note' }).uncheck();
      await page.locator('sb-message-composer input[type=file]').setInputFiles({
        name: 'order.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('order 42'),
      });
      await history(page).getByRole('link', { name: 'Download order.txt' }).waitFor();
      const file = await waitFor(
        events,
        (e) => e.type === 'message.created' && e.message.kind === 'file',
        'the file message',
      );
      expect(file.message.attachment.filename).to.equal('order.txt');

      // End it: the console says so and the visitor hears.
      await page.getByRole('button', { name: 'End chat' }).click();
      await page.getByText('This conversation has ended.').waitFor();
      await waitFor(
        events,
        (e) => e.type === 'conversation.updated' && e.conversation.state === 'ended',
        'the end',
      );
      expect(
        events.some((e) => e.type === 'message.created' && /VIP/.test(e.message.body)),
      ).to.equal(false);
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('Switchboard'),
      );
      await visitor.client.close();
      expect(errors).to.deep.equal([]);
    } finally {
      await close();
    }
  });

  it('keeps two conversations open in the dock across views, badges the waiting one, and survives a reload', async () => {
    const desk = await consoleDesk(tk, 'supervisor');
    await goOnline(tk, desk.agent.token);
    const ann = await startVisitor(tk, desk.embedKey, { name: 'Ann' });
    const bob = await startVisitor(tk, desk.embedKey, { name: 'Bob' });
    const annChat = await requestChat(tk, ann.token);
    const bobChat = await requestChat(tk, bob.token);
    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      // Two waiting chats: the title counts both.
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('(2) Switchboard'),
      );
      for (const id of [annChat, bobChat]) {
        await listItem(page, id).click();
        await page.getByRole('button', { name: 'Take chat' }).click();
        await eventually(
          () => page.getByTestId('conversation-state').innerText(),
          (v) => expect(v).to.contain('Waiting for visitor'),
        );
      }
      const dock = page.getByRole('navigation', { name: 'Open conversations' });
      await eventually(
        () => dock.getByRole('button').allInnerTexts(),
        (v) => expect(v.join(' ')).to.match(/Ann[\s\S]*Bob/),
      );
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('Switchboard'),
      );

      // Ann writes while the agent looks at Bob: her chat now waits for the agent.
      await ann.client.call('conversation.send', { conversationId: annChat, body: 'Still there?' });
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('(1) Switchboard'),
      );
      await eventually(
        () => dock.getByRole('button', { name: /Ann/ }).first().innerText(),
        (v) => expect(v).to.contain('Waiting'),
      );
      expect(await page.evaluate(() => document.documentElement.dataset.soundsPlayed)).to.not.equal(
        '0',
      );

      // A draft for Bob, then other views: the dock and the draft stay.
      const composer = page.getByRole('textbox', { name: 'Message' });
      await composer.fill('A draft for Bob');
      const views = page.getByRole('navigation', { name: 'Views' });
      await views.getByRole('link', { name: /Queue/ }).click();
      await page.getByRole('heading', { name: 'Queue' }).waitFor();
      expect(new URL(page.url()).pathname).to.equal('/console/queue');
      expect(await composer.inputValue()).to.equal('A draft for Bob');
      await views.getByRole('link', { name: 'Supervisor' }).click();
      await page.locator('sb-supervisor-view').waitFor({ state: 'attached' });
      expect(new URL(page.url()).pathname).to.equal('/console/supervisor');
      expect(await dock.getByRole('button', { name: /Ann|Bob/ }).count()).to.be.greaterThan(1);
      expect(await composer.inputValue()).to.equal('A draft for Bob');
      await screenshot(page, 'console-dock-in-supervisor');

      // The sound and title switches live in the preferences menu; Escape closes it.
      await page.getByRole('button', { name: 'Preferences' }).click();
      await page.getByRole('checkbox', { name: /tab title/ }).uncheck();
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('Switchboard'),
      );
      await page.keyboard.press('Escape');
      expect(await page.getByRole('checkbox', { name: /tab title/ }).count()).to.equal(0);
      expect(
        await page.evaluate(() => localStorage.getItem('switchboard.console.preferences')),
      ).to.contain('"titleBadge":false');
      await page.getByRole('button', { name: 'Preferences' }).click();
      await page.getByRole('checkbox', { name: /tab title/ }).check();
      await page.keyboard.press('Escape');

      // A deep link survives a reload.
      await views.getByRole('link', { name: /Conversations/ }).click();
      await dock.getByRole('button', { name: /Ann/ }).first().click();
      expect(new URL(page.url()).pathname).to.equal(`/console/conversations/${annChat}`);
      await page.reload();
      await history(page).getByText('Still there?').waitFor();
      await eventually(
        () => page.title(),
        (v) => expect(v).to.equal('(1) Switchboard'),
      );
      expect(await dock.getByRole('button', { name: /Bob/ }).count()).to.be.greaterThan(0);
      expect(errors).to.deep.equal([]);
    } finally {
      await ann.client.close();
      await bob.client.close();
      await close();
    }
  });

  it('goes back to sign-in when a REST call finds the token gone, even with the socket still up', async () => {
    const desk = await consoleDesk(tk);
    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      await page.getByRole('heading', { name: 'Conversations' }).waitFor();
      // The token row disappears without a revocation event (as if purged by another process).
      await tk.knex('core_auth_tokens').where({ user_id: desk.agent.id }).delete();
      await tk.clock.advance(10_000); // past the resolver's short cache
      // Any REST call now finds the token gone: opening the queue makes one, unless a refresh
      // already did and the console is back at sign-in.
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('link', { name: /Queue/ })
        .click({ timeout: 3000 })
        .catch(() => undefined);
      await page.getByRole('status').filter({ hasText: 'Your session has ended' }).waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(errors).to.deep.equal([]);
    } finally {
      await close();
    }
  });

  it('goes back to sign-in with a message when the session is revoked', async () => {
    const desk = await consoleDesk(tk);
    const { page, errors, close } = await signIn(
      browser,
      tk,
      desk.agent.email,
      desk.agent.password,
    );
    try {
      await page.getByRole('heading', { name: 'Conversations' }).waitFor();
      const changed = await tk.request(
        'PATCH',
        `/api/v1/users/${desk.agent.id}`,
        { password: 'a-new-password-123' },
        desk.adminToken,
      );
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      await page.getByRole('status').filter({ hasText: 'Your session has ended' }).waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(
        await page.evaluate(() => sessionStorage.getItem('switchboard.console.session')),
      ).to.equal(null);
      expect(errors).to.deep.equal([]);
    } finally {
      await close();
    }
  });
});
