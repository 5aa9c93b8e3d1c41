// Opens austin2html pages in headless Chromium and reports what they show and do; HtmlViewIT judges the report.
//
//   node html-probe.mjs SPEC.json
//
// SPEC: {"chromium": "/usr/bin/chromium", "root": "<folder of the pages>", "out": "<result file>",
//        "pages": [{"file": "<name in root>", "screenshot": "<PNG>", "search": ["text", ...], "regex": ["re", ...],
//                   "interact": true}]}
//
// Each page is served by a tiny server on 127.0.0.1 (so that every request the page makes is seen, by the browser
// and by the server) and opened once. The page's own hook, window.austin, reports what is drawn (each box's name,
// position and colour) and the state of its controls; the probe drives the controls as a user does (typing in the
// search box, clicking a box, the buttons, the selects) and records:
//   - every console error, page error, dialog, failed request, and every request besides the page itself;
//   - load: ms from navigation start to the end of the page's first render, and to the first paint after it;
//   - the boxes and state as loaded, a screenshot;
//   - for each search text (substring, then each regular expression with the regex box ticked): the state
//     (matched share) and the names of the highlighted boxes;
//   - with "interact": a click on the widest box below the root (then the boxes and state), Back, Reset zoom, a
//     hover (the tooltip's text), the icicle toggle (the root box's top before and after), every thread selection
//     and every metric (the state of each).

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const VIEWPORT = { width: 1280, height: 900 };

const served = [];
const server = http.createServer((req, res) => {
  served.push(req.url);
  const { pathname } = new URL(req.url, 'http://localhost');
  const file = path.resolve(spec.root, '.' + path.posix.normalize('/' + decodeURIComponent(pathname)));
  if (!file.startsWith(path.resolve(spec.root) + path.sep)) return res.writeHead(404).end();
  fs.readFile(file, (err, data) => {
    if (err) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(data);
  });
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: spec.chromium,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run'],
});

const boxes = page => page.evaluate(() => window.austin.boxes());
const state = page => page.evaluate(() => window.austin.state());
const frames = page => page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));

async function probe(doc) {
  const result = { file: doc.file, errors: [], requests: [], served: [] };
  const page = await browser.newPage({ viewport: VIEWPORT });
  const url = `${base}/${encodeURIComponent(doc.file)}`;
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') result.errors.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => result.errors.push(`page error: ${e.message}`));
  page.on('dialog', d => { result.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('requestfailed', r => { if (r.url() !== url) result.errors.push(`request failed: ${r.url()}`); });
  page.on('request', r => result.requests.push(r.url()));
  const servedBefore = served.length;
  try {
    const started = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    // Loaded when the page's hook is there; failed when an error comes first.
    for (let waited = 0; !(await page.evaluate(() => window.austin !== undefined)); waited += 50) {
      if (result.errors.length > 0 || waited > 60000) throw new Error('the page did not render');
      await page.waitForTimeout(50);
    }
    await frames(page);
    result.loadMs = Date.now() - started;
    result.firstRenderMs = await page.evaluate(() => window.austin.firstRender);
    result.paintedMs = await page.evaluate(() => performance.now());
    result.title = await page.title();
    result.boxes = await boxes(page);
    result.state = await state(page);
    result.text = await page.evaluate(() => document.getElementById('chart').innerText.split('\n'));
    result.notes = await page.evaluate(() => document.getElementById('notes').textContent);
    result.onlyBase = await page.evaluate(() => [...document.querySelectorAll('#only-base tbody tr')]
      .map(tr => [...tr.children].map(td => td.textContent)));
    await page.screenshot({ path: doc.screenshot });

    result.searches = [];
    for (const [list, regex] of [[doc.search ?? [], false], [doc.regex ?? [], true]]) {
      if (list.length === 0) continue;
      await page.locator('#regex').setChecked(regex);
      for (const q of list) {
        await page.locator('#search').fill(q);
        await frames(page);
        const s = await state(page);
        const highlighted = (await boxes(page)).filter(b => b.match).map(b => b.name);
        const label = await page.locator('#matched').textContent();
        result.searches.push({ query: q, regex, state: s, highlighted, label });
      }
      if (doc.searchScreenshot) await page.screenshot({ path: doc.searchScreenshot });
      await page.locator('#search').fill('');
    }
    await page.locator('#regex').setChecked(false);

    if (doc.interact) {
      const all = await boxes(page);
      const W = (await state(page)).width;
      const target = all.filter(b => b.depth >= 1 && b.w < W - 1 && b.name !== 'pruned')
        .sort((a, b) => b.w - a.w)[0];
      if (target) {
        const el = page.locator('#chart .box').nth(all.indexOf(target));
        await el.hover();
        await frames(page);
        result.hover = { name: target.name, tip: await page.locator('#tip').textContent(),
          tipVisible: await page.locator('#tip').isVisible() };
        await el.click();
        await frames(page);
        result.zoom = { target, state: await state(page), boxes: await boxes(page) };
        if (doc.zoomScreenshot) await page.screenshot({ path: doc.zoomScreenshot });
        await page.locator('#back').click();
        await frames(page);
        result.back = await state(page);
        await el.click();
        await page.locator('#reset').click();
        await frames(page);
        result.reset = await state(page);
      }
      const rootTop = () => page.evaluate(() => {
        const i = window.austin.boxes().findIndex(b => b.depth === 0);
        return parseFloat(document.querySelectorAll('#chart .box')[i].style.top);
      });
      result.flip = { before: await rootTop() };
      await page.locator('#flip').click();
      await frames(page);
      result.flip.after = await rootTop();
      result.flip.icicle = (await state(page)).icicle;
      if (doc.icicleScreenshot) await page.screenshot({ path: doc.icicleScreenshot });
      await page.locator('#flip').click();

      result.selections = [];
      const labels = await page.evaluate(() => [...document.querySelectorAll('#threads option')]
        .map(o => ({ key: o.value, label: o.textContent })));
      const single = labels.length < 2; // then the select is disabled: nothing to choose
      for (const { key, label } of labels) {
        if (!single) await page.locator('#threads').selectOption(key);
        await frames(page);
        result.selections.push({ key, label, state: await state(page) });
      }
      if (!single) await page.locator('#threads').selectOption(labels[0].key);
      result.metrics = [];
      const metrics = (await state(page)).metrics;
      for (let i = 0; i < metrics.length; i++) {
        if (metrics.length > 1) await page.locator('#metric').selectOption(String(i));
        await frames(page);
        result.metrics.push({ metric: metrics[i], state: await state(page) });
      }
    }
  } catch (e) {
    result.errors.push(`probe: ${e.message}`);
  } finally {
    await page.close();
  }
  result.requests = result.requests.filter(u => u !== url).concat([]);
  result.requestCount = result.requests.length;
  result.served = served.slice(servedBefore);
  return result;
}

try {
  const results = [];
  for (const doc of spec.pages) results.push(await probe(doc));
  fs.writeFileSync(spec.out, JSON.stringify({ pages: results }, null, 1));
} finally {
  await browser.close();
  server.close();
}
