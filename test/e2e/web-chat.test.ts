// Issue 9.17: the local web chat in a real headless Chromium, at a phone's width (390×844) and on a desktop
// (1280×800): a user picked by typing part of a name (GB, branch and roles shown), markdown rendered as
// elements and never as raw `**`, hostile roster names and a hostile message shown as text with no script
// run, clicks shown by the text of what was clicked, the 2,048-byte limit stated and the text kept when a
// message is refused, and the text box and card buttons inside the window. Layout is asserted from
// getBoundingClientRect; the screenshots are for a person to look at (their folder is printed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { recordProcess } from '../helpers/processes.ts';

// Browser globals, for the functions run inside the page (this project type-checks against Node only).
declare const document: any;
declare const window: any;
declare const getComputedStyle: (e: unknown) => { color: string; overflowY: string };
type HTMLInputElement = { value: string };
type HTMLTextAreaElement = { value: string };

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HOSTILE_TAG = '<img src=x onerror=window.__xss=1>';
const HOSTILE_LINK = '[点此领取](javascript:window.__xss=2)';
const LONG_BRANCH = '人工智能与数据科学研究生第二党支部';
const EXTRA = [
  `${HOSTILE_TAG},hostile01,男,1990-01-01,2015-11-20,2016-11-20,计算机学院党总支,教工第一党支部,,,`,
  `${HOSTILE_LINK},hostile02,女,1991-01-01,2014-11-21,2015-11-21,计算机学院党总支,教工第一党支部,,,`,
  '张伟,zhangwei01,男,1990-01-01,2015-03-01,2016-03-01,计算机学院党总支,本科生第一党支部,,,',
  `张伟,zhangwei02,男,1992-02-02,2016-04-01,2017-04-01,计算机学院党总支,${LONG_BRANCH},,,`,
];
/** A message the bot never writes but a platform could carry: every trick the renderer must not fall for. */
const HOSTILE_MARKDOWN = [
  '**检查渲染**',
  `名字：${HOSTILE_TAG}`,
  `链接：${HOSTILE_LINK} 与 [官网](https://example.org/party)`,
  '<font color="warning">已逾期</font> <font color="red" onclick="window.__xss=3">红字</font>',
  '> 引用一行',
  '<script>window.__xss=4</script>',
].join('\n');

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

describe('the local web chat in a browser (issue 9.17)', () => {
  let stack: Stack;
  let browser: Browser | undefined;
  let shots: string;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai, a day in the birthday month

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: run bash scripts/test.sh (it installs it), or apt-get install -y chromium, or set CHROMIUM_PATH`);
    }
    stack = await startStack({ workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...EXTRA]);
    await stack.deps.db.db
      .insertInto('deliveries')
      .values({ idempotency_key: 'test-hostile-markdown', platform: 'local', recipient: 'sunzongzhi', message: JSON.stringify({ type: 'markdown', content: HOSTILE_MARKDOWN }), status: 'sent', sent_at: new Date() } as never)
      .execute();
    shots = process.env.WEB_CHAT_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'partycare-web-chat-'));
    mkdirSync(shots, { recursive: true });
    console.log(`web chat screenshots: ${shots}`);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true, // adds --headless=new
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    // Puppeteer starts Chromium in a process group of its own: the global teardown checks it is gone.
    const chromium = browser.process();
    if (chromium?.pid !== undefined) recordProcess(chromium.pid, chromium.spawnargs.join(' '), true);
  }, 120_000);

  afterAll(async () => {
    const pid = browser?.process()?.pid;
    if (browser) {
      const closed = await Promise.race([browser.close().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      // Chromium runs in its own process group (puppeteer spawns it detached): take the whole group down.
      if (!closed && pid) spawnSync('kill', ['-KILL', `-${pid}`]);
    }
    await stack?.close();
  }, 60_000);

  const countOf = (page: Page, selector: string) => page.$$eval(selector, (els) => els.length);
  async function waitForCount(page: Page, selector: string, atLeast: number, what: string) {
    await page
      .waitForFunction((s, n) => document.querySelectorAll(s).length >= n, { timeout: 60_000, polling: 100 }, selector, atLeast)
      .catch(() => {
        throw new Error(`timed out waiting for ${what} (${selector} ≥ ${atLeast})`);
      });
  }
  /** Types a search and waits until the list shows its answer (the list of everyone shows first). */
  async function searchFor(page: Page, q: string) {
    await page.$eval('#search', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#search', q);
    await page.waitForFunction((t) => document.getElementById('people').dataset.query === t, { timeout: 60_000 }, q);
    return page.$$eval('#people button', (bs) => bs.map((b) => ({ userId: b.getAttribute('data-user'), text: b.textContent })));
  }
  async function send(page: Page, text: string) {
    await page.click('#text');
    await page.type('#text', text);
    await page.keyboard.press('Enter');
  }
  /** The rectangle of the first element matching, in viewport coordinates, and the window's size. */
  const rect = (page: Page, selector: string) =>
    page.$eval(selector, (e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, vw: window.innerWidth, vh: window.innerHeight };
    });

  for (const vp of VIEWPORTS) {
    it(`works at ${vp.width}×${vp.height} (${vp.name})`, async () => {
      const context = await browser!.createBrowserContext(); // its own localStorage: starts with no user chosen
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      try {
        await page.setViewport({ width: vp.width, height: vp.height });
        await page.goto(stack.baseUrl + '/', { waitUntil: 'domcontentloaded' });

        // The picker opens by itself; a hostile name in the results is text, never an element.
        await page.waitForSelector('#picker.open #search');
        expect(await searchFor(page, 'onerror')).toEqual([{ userId: 'hostile01', text: `${HOSTILE_TAG} hostile01计算机学院党总支 · 教工第一党支部` }]);
        expect(await searchFor(page, '点此')).toEqual([{ userId: 'hostile02', text: `${HOSTILE_LINK} hostile02计算机学院党总支 · 教工第一党支部` }]);
        expect(await countOf(page, '#people img, #people a')).toBe(0);

        // Type part of a name; the result shows GB, branch and role.
        expect(await searchFor(page, '孙总')).toEqual([{ userId: 'sunzongzhi', text: '孙总支 sunzongzhi计算机学院党总支 · 教工第一党支部 · 党总支书记' }]);
        await page.screenshot({ path: join(shots, `${vp.name}-picker.png`) });
        await page.click('#people button[data-user="sunzongzhi"]');
        expect(await page.$eval('#who', (e) => e.textContent)).toMatch(/孙总支（sunzongzhi）计算机学院党总支 · 教工第一党支部 · 党总支书记/);

        // 帮助, and its answer.
        await waitForCount(page, '#log .msg.out', 1, 'the history');
        let outs = await countOf(page, '#log .msg.out');
        await send(page, '帮助');
        await waitForCount(page, '#log .msg.out', outs + 1, 'the answer to 帮助');
        expect(await page.$eval('#log', (e) => e.textContent)).toContain('党员关怀助手');
        expect(await page.$eval('#text', (e) => (e as HTMLTextAreaElement).value)).toBe('');

        // A menu click shows as the menu's name, and its markdown answer renders as elements.
        outs = await countOf(page, '#log .msg.out');
        await page.click('#menu button.top:not([data-key])');
        await page.click('#menu .sub.open button[data-key="birthdays"]');
        await waitForCount(page, '#log .msg.out', outs + 1, 'the answer to 本月政治生日');
        await page.waitForFunction(() => [...document.querySelectorAll('#log .msg.in.action')].some((e) => e.textContent === '「菜单：本月政治生日」'), { timeout: 60_000 });
        const strongs = await page.$$eval('#log .msg.out.markdown strong', (els) => els.map((e) => e.textContent));
        expect(strongs.some((s) => /^11月政治生日（\d+人）$/.test(s ?? ''))).toBe(true);
        expect(strongs).toContain('检查渲染');
        const logText = await page.$eval('#log', (e) => e.textContent ?? '');
        expect(logText).not.toContain('**');
        expect(logText).toContain(HOSTILE_TAG); // the hostile message's name, as text
        expect(logText).toContain('<script>window.__xss=4</script>');
        expect(await page.$$eval('#log a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://example.org/party']);
        expect(await page.$eval('#log a', (a) => a.nextElementSibling?.textContent)).toBe('（https://example.org/party）');
        expect(await page.$$eval('#log .font-warning', (els) => els.map((e) => e.textContent))).toEqual(['已逾期']);
        expect(await page.$$eval('#log blockquote', (els) => els.map((e) => e.textContent))).toContain('引用一行');
        expect(await countOf(page, '#log img, #log script, #log font, #log [onclick], #log [onerror]')).toBe(0);
        await page.evaluate(() => [...document.querySelectorAll('#log .msg.out.markdown')].find((e) => e.textContent.includes('检查渲染')).scrollIntoView());
        await page.screenshot({ path: join(shots, `${vp.name}-markdown.png`) });

        // Over the limit: refused in Chinese, the limit named, the text kept; nothing recorded.
        const inboundBefore = await stack.deps.db.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        const long = '党'.repeat(700); // 2,100 bytes
        await page.$eval('#text', (e, v) => {
          (e as HTMLTextAreaElement).value = v;
          e.dispatchEvent(new Event('input'));
        }, long);
        expect(await page.$eval('#counter', (e) => [e.className, e.textContent])).toEqual(['over', '2100 / 2048 字节，超出 52']);
        expect(getComputedStyleColor(await page.$eval('#counter', (e) => getComputedStyle(e).color))).toBe('red');
        expect(await page.$eval('#limit', (e) => e.textContent)).toContain('每条消息不超过 2,048 字节');
        await page.click('#send');
        await page.waitForFunction(() => document.getElementById('notice')!.textContent !== '', { timeout: 60_000 });
        expect(await page.$eval('#notice', (e) => e.textContent)).toBe('消息过长：共 2100 字节，超过 2048 字节的上限（约 680 个汉字），请删减 52 字节后再发送。');
        expect(await page.$eval('#text', (e) => (e as HTMLTextAreaElement).value)).toBe(long);
        const inboundAfter = await stack.deps.db.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        expect(inboundAfter.n).toBe(inboundBefore.n);
        await page.screenshot({ path: join(shots, `${vp.name}-over-limit.png`) });
        await page.$eval('#text', (e) => {
          (e as HTMLTextAreaElement).value = '';
          e.dispatchEvent(new Event('input'));
        });

        // A question with name-choice buttons: the card and every button inside the window, nothing cut off.
        const cards = await countOf(page, '#log .msg.out.card');
        await send(page, '今天和张伟谈心了，情绪稳定');
        await waitForCount(page, '#log .msg.out.card', cards + 1, 'the which-one card');
        const card = `#log .msg.out.card:nth-last-child(1 of .msg.out.card)`;
        const layout = await page.$eval(card, (c) => {
          const cr = c.getBoundingClientRect();
          return {
            card: { left: cr.left, right: cr.right },
            buttons: [...c.querySelectorAll('button')].map((b) => {
              const r = b.getBoundingClientRect();
              return { text: b.textContent, left: r.left, right: r.right, clipped: b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1 };
            }),
            vw: window.innerWidth,
          };
        });
        expect(layout.buttons.map((b) => b.text).sort()).toEqual(['人工智能与数据科学研', '本科生第一党支部'].sort());
        expect(layout.card.left).toBeGreaterThanOrEqual(0);
        expect(layout.card.right).toBeLessThanOrEqual(layout.vw);
        for (const b of layout.buttons) {
          expect(b.clipped, b.text).toBe(false);
          expect(b.left, b.text).toBeGreaterThanOrEqual(layout.card.left);
          expect(b.right, b.text).toBeLessThanOrEqual(layout.card.right);
        }
        // What was sent is followed to its answer even after the reader scrolled up to the hostile message.
        expect(await page.$eval('#log', (e) => e.scrollHeight - e.scrollTop - e.clientHeight)).toBeLessThan(2);
        await page.screenshot({ path: join(shots, `${vp.name}-card.png`) });

        // The click shows as the button's text, and the bot answers it.
        outs = await countOf(page, '#log .msg.out');
        const [button] = await page.$$(`${card} button[data-card]`);
        const buttonText = await button!.evaluate((b) => b.textContent);
        await button!.click();
        await page.waitForFunction((t) => [...document.querySelectorAll('#log .msg.in.action')].some((e) => e.textContent === `「点击：${t}」`), { timeout: 60_000 }, buttonText);
        await waitForCount(page, '#log .msg.out', outs + 1, 'the answer to the click');

        // The layout: the page itself never scrolls, the messages do, and the text box is in the window.
        const box = await rect(page, '#text');
        expect(box.top).toBeGreaterThanOrEqual(0);
        expect(box.bottom).toBeLessThanOrEqual(box.vh);
        expect(box.right).toBeLessThanOrEqual(box.vw);
        const send_ = await rect(page, '#send');
        expect(send_.bottom).toBeLessThanOrEqual(send_.vh);
        expect(send_.right).toBeLessThanOrEqual(send_.vw);
        expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);
        expect(await page.$eval('#log', (e) => e.scrollHeight > e.clientHeight && getComputedStyle(e).overflowY === 'auto')).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await page.screenshot({ path: join(shots, `${vp.name}-chat.png`) });

        // No script ran, no dialog opened.
        expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
        expect(dialogs).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  }

  it('the server: searches people by name with GB, labels clicks, and refuses over 2,048 bytes saying so', async () => {
    const get = async (url: string) => {
      const r = await fetch(stack.baseUrl + url);
      return { status: r.status, body: (await r.json()) as any };
    };
    const zw = await get('/local/users?q=' + encodeURIComponent('张伟'));
    expect(zw.body).toEqual({
      users: [
        { userId: 'zhangwei01', name: '张伟', generalBranch: '计算机学院党总支', branch: '本科生第一党支部', roles: [] },
        { userId: 'zhangwei02', name: '张伟', generalBranch: '计算机学院党总支', branch: LONG_BRANCH, roles: [] },
      ],
      more: false,
    });
    expect((await get('/local/users?q=ZHANGWEI02')).body.users.map((u: { userId: string }) => u.userId)).toEqual(['zhangwei02']);
    // Without q: role holders first, cut at the limit, and `more` says so.
    const first = await get('/local/users?limit=2');
    expect(first.body.users).toHaveLength(2);
    expect(first.body.more).toBe(true);
    expect(first.body.users.every((u: { roles: string[] }) => u.roles.length > 0)).toBe(true);
    expect((await get('/local/users?limit=0')).status).toBe(400);
    expect((await get('/local/users?limit=51')).status).toBe(400);
    expect((await get('/local/users?q=' + 'x'.repeat(33))).status).toBe(400);
    expect((await get('/local/users?q=%25')).body.users).toEqual([]); // no LIKE wildcards

    const post = (text: string) =>
      fetch(`${stack.baseUrl}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'zhangwei01', text }) });
    const atLimit = await post('党'.repeat(682) + 'ab'); // 682×3 + 2 = 2,048 bytes: the limit itself is accepted
    expect(atLimit.status).toBe(202);
    const refused = await post('党'.repeat(683)); // 2,049 bytes
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('消息过长：共 2049 字节，超过 2048 字节的上限（约 680 个汉字），请删减后再发送。');

    // Clicks as the browser tests left them: labelled by the menu's name and by the card button's text.
    const msgs = (await get('/local/messages?userId=sunzongzhi')).body as Array<{ dir: string; label?: string }>;
    const labels = msgs.filter((m) => m.dir === 'in').map((m) => m.label);
    expect(labels).toContain('菜单：本月政治生日');
    expect(labels.filter((l) => l?.startsWith('点击：'))).toHaveLength(VIEWPORTS.length);
    expect(labels.filter((l) => l?.startsWith('点击：')).every((l) => ['点击：人工智能与数据科学研', '点击：本科生第一党支部'].includes(l!))).toBe(true);
  }, 60_000);
});

/** 'red' when a computed colour is mostly red (the counter past the limit). */
function getComputedStyleColor(rgb: string): string {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
  return r > 150 && g < 80 && b < 80 ? 'red' : rgb;
}
