import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, Frame, Page } from 'playwright-core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { createTestKernel } from '@switchboard/sdk/testing';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
} from '../../../core/test/support/accounts.js';
import {
  eventually,
  goOnline,
  listItem,
  signIn,
} from '../../../apps/console/test/support/console.js';
import { launchBrowser, openPage, screenshot } from '../../../apps/e2e/test/support/browser.js';
import {
  hostPage,
  startHostSite,
  widgetFrame,
  type HostSite,
} from '../../../apps/widget/test/support/widget-env.js';
import { BASE, pluginDir } from './support.js';

/**
 * Every text and attribute in a document, shadow roots included. A string, not a function:
 * the test runner's transpiler would add helpers the page does not have.
 */
const DEEP_TEXT = `(() => {
  const out = [];
  const walk = (root) => {
    for (const node of Array.from(root.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) out.push(node.textContent || '');
      if (node instanceof Element) {
        for (const a of Array.from(node.attributes)) out.push(a.value);
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      walk(node);
    }
  };
  walk(document);
  return out.join('\\n');
})()`;

function deepText(target: Page | Frame): Promise<string> {
  return target.evaluate(DEEP_TEXT) as Promise<string>;
}

/**
 * The whisper in real browsers: a supervisor whispers from the console, the agent sees it
 * highlighted in-line with "Respond", and the visitor's widget never shows a trace of it.
 */
describe('Whispers in the console and the widget', function () {
  const MARKER = `WHISPERMARKER${randomBytes(5).toString('hex')}`;
  let tk: TestKernel;
  let browser: Browser;
  let site: HostSite;
  let tenant: Awaited<ReturnType<typeof createTenantWithAdmin>>;
  let agent: { id: string; email: string; password: string; token: string };
  let sup: { id: string; email: string; password: string; token: string };

  before(async () => {
    tk = await createTestKernel({
      plugins: [pluginDir],
      config: { ...accountsTestConfig, realtime: { heartbeatMs: 600_000 } },
    });
    // The kernel's clock stays virtual (moving it to real time would fire a year of idle
    // sweeps); nothing here depends on the browser agreeing with it.
    tenant = await createTenantWithAdmin(tk, { siteName: 'Acme shop' });
    agent = await createUser(tk, tenant.admin.token, { role: 'agent', name: 'Alice Agent' });
    sup = await createUser(tk, tenant.admin.token, { role: 'supervisor', name: 'Sue Supervisor' });
    await goOnline(tk, agent.token);
    site = await startHostSite();
    const res = await tk.request(
      'PATCH',
      `/api/v1/sites/${tenant.siteId}`,
      { allowedOrigins: [site.origin] },
      tenant.admin.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    site.page('/', hostPage({ server: tk.url, embedKey: tenant.embedKey, title: 'Shop' }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await tk?.stop();
  });

  it('shows the whisper highlighted to the agent, with Respond, and never in the widget', async () => {
    // The visitor starts a chat in the widget.
    const visitor = await openPage(browser);
    await visitor.page.goto(site.url('/'));
    let frame = await widgetFrame(visitor.page);
    await frame.getByRole('button', { name: 'Chat with us' }).click();
    const name = frame.getByLabel(/name/i);
    if ((await name.count()) > 0) await name.first().fill('Grace');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    const queued = await eventually(
      async () => (await tk.request('GET', '/api/v1/queue', undefined, agent.token)).body,
      (body) => expect(body.queue).to.have.length(1),
    );
    const conversationId = queued.queue[0].id as string;
    const pick = await tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/pick`,
      {},
      agent.token,
    );
    expect(pick.status, JSON.stringify(pick.body)).to.equal(200);
    const chatLog = (f: Frame) => f.getByRole('list', { name: 'Conversation' });
    await chatLog(frame).getByText('Alice Agent joined the chat.').waitFor();

    // The agent has the chat open; the supervisor opens it and whispers from the header.
    const agentUi = await signIn(browser, tk, agent.email, agent.password);
    const supUi = await signIn(browser, tk, sup.email, sup.password);
    try {
      await listItem(agentUi.page, conversationId).click();
      await listItem(supUi.page, conversationId).click();
      await supUi.page.getByRole('button', { name: 'Whisper' }).click();
      await supUi.page
        .getByLabel('Whisper to the agent (the visitor never sees it)')
        .fill(`Offer the discount ${MARKER}`);
      await supUi.page.getByRole('button', { name: 'Send whisper' }).click();
      // The supervisor also starts monitoring from the header (an audited session).
      const monitor = supUi.page.getByRole('button', { name: 'Monitor' });
      await monitor.click();
      await eventually(
        () => monitor.getAttribute('aria-pressed'),
        (pressed) => expect(pressed).to.equal('true'),
      );
      const monitors = await tk.request(
        'GET',
        `${BASE}/conversations/${conversationId}/monitors`,
        undefined,
        sup.token,
      );
      expect(monitors.body.monitors.map((m: { userId: string }) => m.userId)).to.deep.equal([
        sup.id,
      ]);

      // In-line in the agent's chat, highlighted, with Respond.
      await agentUi.page.getByText(`Offer the discount ${MARKER}`).waitFor();
      const badge = agentUi.page.getByRole('note', { name: 'Whisper from Sue Supervisor' });
      await badge.waitFor();
      await eventually(
        () => badge.evaluate((el) => getComputedStyle(el).backgroundColor),
        (colour) => expect(colour).to.equal('rgb(255, 244, 194)'),
      );
      await screenshot(agentUi.page, 'whisper-agent-console');
      await agentUi.page.getByRole('button', { name: 'Respond to Sue Supervisor' }).click();
      await eventually(
        async () => (await tk.request('GET', `${BASE}/threads`, undefined, agent.token)).body,
        (body) => expect(body.threads).to.have.length(1),
      );

      // The visitor keeps chatting; nothing of the whisper in the widget, even after a reload.
      await tk.request(
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        { body: 'Here is your answer' },
        agent.token,
      );
      await chatLog(frame).getByText('Here is your answer').waitFor();
      expect(await deepText(frame)).not.to.contain(MARKER);
      expect(await deepText(frame)).not.to.contain('Sue Supervisor');
      await visitor.page.reload();
      frame = await widgetFrame(visitor.page);
      const open = frame.getByRole('button', { name: 'Chat with us' });
      if ((await open.count()) > 0 && (await open.isVisible())) await open.click();
      await chatLog(frame).getByText('Here is your answer').waitFor();
      const text = await deepText(frame);
      expect(text).to.contain('Alice Agent joined the chat.');
      expect(text).not.to.contain(MARKER);
      expect(text).not.to.contain('Whisper');
      await screenshot(visitor.page, 'whisper-widget');
      expect(visitor.errors).to.deep.equal([]);
      expect(agentUi.errors).to.deep.equal([]);
      expect(supUi.errors).to.deep.equal([]);

      // Disabled live: after the console refreshes, no whisper element is left.
      const off = await tk.request('PUT', '/api/v1/plugins/whisper/state', { enabled: false });
      expect(off.status).to.equal(200);
      const again = await signIn(browser, tk, agent.email, agent.password);
      try {
        await listItem(again.page, conversationId).click();
        await again.page.getByText(`Offer the discount ${MARKER}`).waitFor();
        expect(await again.page.locator('sb-whisper-badge, sb-whisper-compose').count()).to.equal(
          0,
        );
        expect(await again.page.getByRole('note', { name: /Whisper from/ }).count()).to.equal(0);
      } finally {
        await again.close();
      }
    } finally {
      await tk.request('PUT', '/api/v1/plugins/whisper/state', { enabled: true });
      await agentUi.close();
      await supUi.close();
      await visitor.context.close();
    }
  });
});
