import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { SwitchboardClient } from '@switchboard/sdk/client';
import { launchBrowser, openPage, screenshot } from '../../e2e/test/support/browser.js';
import {
  agentClient,
  deepFocus,
  eventually,
  hostPage,
  nextEvent,
  setPresence,
  startHostSite,
  startWidgetDesk,
  updateSite,
  widgetBox,
  widgetFrame,
  type HostSite,
  type WidgetDesk,
} from './support/widget-env.js';

describe('A visitor chats with an agent through the widget', function () {
  let desk: WidgetDesk;
  let site: HostSite;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let agent: SwitchboardClient;
  let conversationId = '';
  let visitorId = '';

  before(async () => {
    desk = await startWidgetDesk();
    site = await startHostSite();
    await updateSite(desk, {
      allowedOrigins: [site.origin],
      branding: {
        title: 'Acme help',
        colour: '#7a2e8e',
        greeting: 'Hello! Ask us anything.',
        prechatFields: [
          { name: 'name', label: 'Your name', type: 'text', required: true },
          { name: 'email', label: 'Email', type: 'email' },
          { name: 'topic', label: 'Topic', type: 'select', options: ['Orders', 'Returns'] },
        ],
      },
    });
    await setPresence(desk, 'online');
    const server = desk.tk.url;
    site.page('/', hostPage({ server, embedKey: desk.embedKey, title: 'Shop home' }));
    site.page(
      '/cart',
      hostPage({
        server,
        embedKey: desk.embedKey,
        title: 'Your cart',
        body: '<script src="/cart.js"></script>',
      }),
    );
    site.script(
      '/cart.js',
      // The page may call the API before the loader ran: the documented queue stub.
      `var S = (window.Switchboard = window.Switchboard || { q: [] });
       S.set = S.set || function (d) { S.q.push(['set', d]); };
       Switchboard.set({ cart: { items: 2 } });`,
    );
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser));
    agent = await agentClient(desk);
  });

  after(async () => {
    await agent?.close();
    await browser?.close();
    await site?.close();
    await desk?.tk.stop();
  });

  it('shows a chat button that opens the pre-chat form', async () => {
    await page.goto(site.url('/'));
    const frame = await widgetFrame(page);
    const box = await widgetBox(page);
    expect(box!.width).to.equal(72);
    expect(box!.height).to.equal(72);
    await frame.getByRole('button', { name: 'Chat with us' }).click();
    await frame.getByLabel('Your name').waitFor();
    const open = await widgetBox(page);
    expect(open!.width).to.equal(380);
    // Focus moved into the form's first field.
    expect(await deepFocus(frame)).to.equal('INPUT#f-name');
    expect(await frame.getByText('Hello! Ask us anything.').isVisible()).to.equal(true);
  });

  it('queues the chat with its position, and the agent who picks it chats live both ways', async () => {
    const frame = await widgetFrame(page);
    await frame.getByLabel('Your name').fill('Grace');
    await frame.getByLabel('Email').fill('grace@example.test');
    await frame.getByLabel('Topic').selectOption('Orders');
    await frame.getByRole('button', { name: 'Start chat' }).click();

    await frame
      .getByRole('status')
      .getByText(/You are next in line/)
      .waitFor();
    await screenshot(page, 'widget-waiting');

    const queue = await desk.tk.request('GET', '/api/v1/queue', undefined, desk.agent.token);
    expect(queue.status).to.equal(200);
    const waiting = (queue.body as { queue: { id: string; visitorId: string }[] }).queue;
    expect(waiting).to.have.length(1);
    conversationId = waiting[0]!.id;
    visitorId = waiting[0]!.visitorId;
    const prechat = await desk.tk.request(
      'GET',
      `/api/v1/conversations/${conversationId}`,
      undefined,
      desk.agent.token,
    );
    expect((prechat.body as { prechat: unknown }).prechat).to.deep.equal({
      name: 'Grace',
      email: 'grace@example.test',
      topic: 'Orders',
    });

    const pick = await desk.tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/pick`,
      {},
      desk.agent.token,
    );
    expect(pick.status, JSON.stringify(pick.body)).to.equal(200);
    const conversation = frame.getByRole('list', { name: 'Conversation' });
    await conversation.getByText('Ada joined the chat.').waitFor();

    // Visitor → agent.
    const received = nextEvent<{ message: { body: string } }>(
      agent,
      'message.created',
      (e) => e.message.body === 'Where is my parcel?',
    );
    await frame.getByLabel('Message', { exact: true }).fill('Where is my parcel?');
    await frame.getByLabel('Message', { exact: true }).press('Enter');
    await received;

    // The agent types, then answers.
    await agent.call('conversation.typing', { conversationId, typing: true });
    await frame.getByText('Agent is typing…').waitFor();
    await agent.call('conversation.send', {
      conversationId,
      body: 'It ships today. <b>not bold</b>',
    });
    await conversation.getByText('It ships today. <b>not bold</b>').waitFor();
    expect(await frame.getByText('Agent is typing…').count()).to.equal(0);
    await screenshot(page, 'widget-chatting');
    expect(errors).to.deep.equal([]);
  });

  it('keeps the conversation when the visitor moves to another page of the site', async () => {
    await page.goto(site.url('/cart'));
    const frame = await widgetFrame(page);
    // The window reopens with the history.
    const conversation = frame.getByRole('list', { name: 'Conversation' });
    await conversation.getByText('Where is my parcel?').waitFor();
    await conversation.getByText('It ships today. <b>not bold</b>').waitFor();
    await agent.call('conversation.send', { conversationId, body: 'Anything else?' });
    await conversation.getByText('Anything else?').waitFor();
    const received = nextEvent<{ message: { body: string } }>(
      agent,
      'message.created',
      (e) => e.message.body === 'No, thanks!',
    );
    await frame.getByLabel('Message', { exact: true }).fill('No, thanks!');
    await frame.getByRole('button', { name: 'Send' }).click();
    await received;
    // The agent saw both pages.
    const views = await eventually(async () => {
      const res = await desk.tk.request(
        'GET',
        `/api/v1/visitors/${visitorId}`,
        undefined,
        desk.agent.token,
      );
      const list = (res.body as { pageViews: { url: string; title: string }[] }).pageViews;
      return list.some((v) => v.url.endsWith('/cart')) ? list : null;
    });
    expect(views.map((v) => v.title)).to.include.members(['Shop home', 'Your cart']);
    expect(errors).to.deep.equal([]);
  });

  it('passes Switchboard.set data to the agent, live', async () => {
    // /cart queued `Switchboard.set({cart:{items:2}})` before the loader ran; check it arrived,
    // then set new data from the page and watch the agent's socket.
    const stored = await eventually(async () => {
      const res = await desk.tk.request(
        'GET',
        `/api/v1/visitors/${visitorId}`,
        undefined,
        desk.agent.token,
      );
      const data = (res.body as { visitor: { customData: Record<string, any> } }).visitor
        .customData;
      return data.cart?.items === 2 ? data : null;
    });
    expect(stored.cart).to.deep.equal({ items: 2 });
    const updated = nextEvent<{ visitor: { id: string; customData: Record<string, any> } }>(
      agent,
      'visitor.updated',
      (e) => e.visitor.id === visitorId && e.visitor.customData.plan === 'gold',
    );
    await page.evaluate(() =>
      (window as unknown as { Switchboard: { set(d: unknown): void } }).Switchboard.set({
        plan: 'gold',
      }),
    );
    const event = await updated;
    expect(event.visitor.customData).to.deep.include({ plan: 'gold', cart: { items: 2 } });
  });
});
