import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, Frame } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../../e2e/test/support/browser.js';
import {
  eventually,
  hostPage,
  setPresence,
  startHostSite,
  startWidgetDesk,
  updateSite,
  widgetBox,
  widgetFrame,
  type HostSite,
  type WidgetDesk,
} from './support/widget-env.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations in the frame (the context must bypass CSP to inject it). */
async function axeViolations(frame: Frame): Promise<string[]> {
  await frame.addScriptTag({ path: AXE });
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: any }).axe;
    // WCAG 2.1 A and AA; best-practice rules about whole pages (one main landmark, an h1) do
    // not fit a frame that holds a single button.
    const result = await axe.run(document, {
      resultTypes: ['violations'],
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    });
    return result.violations.map(
      (v: { id: string; nodes: { target: string[] }[] }) =>
        `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}

describe('The widget when nobody is available, and after a chat', function () {
  let desk: WidgetDesk;
  let site: HostSite;
  let browser: Browser;

  before(async () => {
    desk = await startWidgetDesk();
    site = await startHostSite();
    await updateSite(desk, {
      allowedOrigins: [site.origin],
      branding: { offlineMessage: 'We are closed. Leave us a note.' },
    });
    site.page('/', hostPage({ server: desk.tk.url, embedKey: desk.embedKey }));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await desk?.tk.stop();
  });

  it('offers the offline form when no agent is online, and stores the message', async () => {
    await setPresence(desk, 'offline');
    const { context, page, errors } = await openPage(browser);
    try {
      await page.goto(site.url('/'));
      const frame = await widgetFrame(page);
      await frame.getByRole('button', { name: 'Chat with us' }).click();
      await frame.getByRole('button', { name: 'Start chat' }).click();
      await frame.getByText('We are closed. Leave us a note.').waitFor();
      await frame.getByLabel('Name').fill('Linus');
      await frame.getByLabel('Email').fill('linus@example.test');
      await frame
        .getByLabel('Message', { exact: true })
        .fill('Please call me back <script>x</script>');
      await frame.getByRole('button', { name: 'Send message' }).click();
      await frame.getByText('Thank you. Your message was sent; we will get back to you.').waitFor();
      const stored = await eventually(async () => {
        const res = await desk.tk.request(
          'GET',
          '/api/v1/conversations?state=ended',
          undefined,
          desk.adminToken,
        );
        const list = (res.body as { conversations: { id: string; endReason: string }[] })
          .conversations;
        return list.find((c) => c.endReason === 'offline-message');
      });
      const messages = await desk.tk.request(
        'GET',
        `/api/v1/conversations/${stored.id}/messages`,
        undefined,
        desk.adminToken,
      );
      expect(
        (messages.body as { messages: { body: string }[] }).messages.map((m) => m.body),
      ).to.include('Please call me back <script>x</script>');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('asks for a rating after the agent ends the chat, full screen on a phone', async () => {
    await setPresence(desk, 'online');
    const { context, page, errors } = await openPage(browser, {
      viewport: { width: 375, height: 667 },
    });
    try {
      await page.goto(site.url('/'));
      const frame = await widgetFrame(page);
      await frame.getByRole('button', { name: 'Chat with us' }).click();
      await frame.getByRole('button', { name: 'Start chat' }).waitFor();
      expect(await widgetBox(page)).to.deep.equal({ x: 0, y: 0, width: 375, height: 667 });
      await screenshot(page, 'widget-phone-prechat');
      await frame.getByRole('button', { name: 'Start chat' }).click();
      const conversationId = await eventually(async () => {
        const res = await desk.tk.request('GET', '/api/v1/queue', undefined, desk.agent.token);
        return (res.body as { queue: { id: string }[] }).queue[0]?.id;
      });
      await desk.tk.request(
        'POST',
        `/api/v1/conversations/${conversationId}/pick`,
        {},
        desk.agent.token,
      );
      await frame.getByRole('list', { name: 'Conversation' }).getByText('Ada joined').waitFor();
      await screenshot(page, 'widget-phone-chatting');

      const surveyPath = `/api/v1/conversations/${conversationId}/survey`;
      const ended = await desk.tk.request(
        'POST',
        `/api/v1/conversations/${conversationId}/end`,
        {},
        desk.agent.token,
      );
      expect(ended.status, JSON.stringify(ended.body)).to.equal(200);
      await frame.getByRole('paragraph').filter({ hasText: 'The chat has ended.' }).waitFor();
      await frame.getByRole('radio', { name: '4 of 5: Good' }).check();
      await frame.getByLabel('Comment').fill('Quick and kind.');
      await screenshot(page, 'widget-phone-survey');
      await frame.getByRole('button', { name: 'Send feedback' }).click();
      await frame
        .getByRole('paragraph')
        .filter({ hasText: 'Thank you for your feedback.' })
        .waitFor();
      const survey = await desk.tk.request('GET', surveyPath, undefined, desk.agent.token);
      expect(survey.body.survey).to.deep.include({ rating: 4, comment: 'Quick and kind.' });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('has no axe-core violations in the pre-chat form and the chat', async () => {
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    try {
      const page = await context.newPage();
      await page.goto(site.url('/'));
      const frame = await widgetFrame(page);
      expect(await axeViolations(frame)).to.deep.equal([]);
      await frame.getByRole('button', { name: 'Chat with us' }).click();
      await frame.getByRole('button', { name: 'Start chat' }).waitFor();
      expect(await axeViolations(frame)).to.deep.equal([]);
      await frame.getByRole('button', { name: 'Start chat' }).click();
      await frame.getByLabel('Message', { exact: true }).waitFor();
      expect(await axeViolations(frame)).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
