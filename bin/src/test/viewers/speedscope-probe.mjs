// Opens speedscope documents in the real speedscope web app, in headless Chromium, and reports what the app shows.
//
//   node speedscope-probe.mjs SPEC.json
//
// SPEC: {"chromium": "/usr/bin/chromium", "root": "<folder of the documents>", "out": "<result file>",
//        "documents": [{"file": "<name in root>", "screenshot": "<PNG to write>"}]}
//
// ViewersIT (bin/src/test/java/io/austin/bin) writes the spec, runs this script from a copy in
// bin/target/viewers (where npm installed the pinned packages) and judges the result: this script only looks.
// For each document it serves the app and the document on 127.0.0.1, opens
// index.html#profileURL=<document>&view=sandwich (the app fetches the document itself: "Importing via URL" in the
// package's README; the app reads view= from the same hash), and then, for every profile of the document in turn (key 'n' moves to the next one), records:
//   - the profile's title in the toolbar;
//   - the rows of the Sandwich view's table, which is plain DOM: each frame's name and its file (the cell's title);
//   - in the Left Heavy flame chart, which is drawn on a WebGL canvas, the number of boxes the app's own search
//     (Ctrl+F) finds for each name of the table: the search walks the flame chart's layout, box by box;
//   - for the first profile, a screenshot of the Left Heavy view.
// Every console error, uncaught page error, alert (speedscope alerts "Unrecognized format!" and "empty"), failed
// request and speedscope's own "Something went wrong" screen is recorded as an error of the document.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const require = createRequire(import.meta.url);
const app = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist', 'release');
const VIEWPORT = { width: 1280, height: 800 };

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
};

// A file of `dir` named by the rest of the URL path, or null for anything outside `dir`.
function inside(dir, rest) {
  const file = path.resolve(dir, '.' + path.posix.normalize('/' + decodeURIComponent(rest)));
  return file.startsWith(path.resolve(dir) + path.sep) ? file : null;
}

// The tiny server: /app/... is speedscope's release folder, /profiles/... the documents to open.
const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://localhost');
  let file = null;
  if (pathname.startsWith('/app/')) file = inside(app, pathname.slice(5));
  else if (pathname.startsWith('/profiles/')) file = inside(spec.root, pathname.slice(10));
  fs.readFile(file ?? '', (err, data) => {
    if (err) {
      res.writeHead(404).end();
    } else {
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(data);
    }
  });
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: spec.chromium,
  args: [
    '--no-sandbox', // the tests run as root
    // speedscope draws with WebGL: headless Chromium has no GPU, so render with SwiftShader, on the CPU
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    // no connections but to our server (the machines reach no other host)
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
});

// Resolves after the page has drawn twice: speedscope renders on animation frames.
function frames(page) {
  return page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

// The toolbar's title of the profile in view: the node after the view tabs (Time Order, Left Heavy, Sandwich). It is
// "NAME (i/n)" in a span when the document has several profiles, else the bare name.
function toolbarTitle(page) {
  return page.evaluate(() => {
    const tab = [...document.querySelectorAll('div')].find(d => d.lastChild?.textContent === 'Time Order');
    const title = tab.parentElement.nextSibling;
    return (title.nodeType === Node.TEXT_NODE ? title : title.firstElementChild).textContent;
  });
}

// The Sandwich table's rows: the symbol cells are the only cells with a title (the frame's file). The table is a
// virtual list, which renders only the rows in view, so the page is made tall enough to hold all of them.
async function sandwichRows(page) {
  for (let tries = 0; tries < 3; tries++) {
    const fit = await page.evaluate(() => {
      const cell = document.querySelector('tr > td[title]');
      const spacer = cell?.closest('div[style^="height"]'); // the list's full-height inner box
      return spacer ? { need: spacer.offsetHeight, have: spacer.parentElement.clientHeight } : { need: 0, have: 0 };
    });
    if (fit.need <= fit.have) break;
    const size = page.viewportSize();
    await page.setViewportSize({ width: size.width, height: size.height + fit.need - fit.have + 40 });
    await frames(page);
  }
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('tr > td[title]')].map(td => ({ name: td.textContent, file: td.title })));
  await page.setViewportSize(VIEWPORT);
  await frames(page);
  return rows;
}

// The number of flame chart boxes the search finds for each name ("?/N" beside the search box), in the Left Heavy
// view. The names are typed in the page itself, one after the other, which saves a round trip per name.
async function searchCounts(page, names) {
  await page.keyboard.press('Control+f');
  const box = page.locator('input:focus');
  await box.waitFor();
  const shown = await box.evaluate(async (input, names) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const out = {};
    for (const name of names) {
      setValue.call(input, name);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // The app (Preact) renders on a microtask after the input event, so the new count is there a task later.
      await new Promise(resolve => setTimeout(resolve, 0));
      out[name] = input.parentElement.nextElementSibling?.textContent ?? '';
    }
    return out;
  }, names);
  await page.keyboard.press('Escape'); // closes the search box, which would otherwise take the next keys
  const counts = {};
  for (const [name, text] of Object.entries(shown)) {
    const m = /^(?:\?|\d+)\/(\d+)$/.exec(text);
    counts[name] = m ? Number(m[1]) : -1;
  }
  return counts;
}

async function probe(document) {
  const result = { file: document.file, errors: [], title: null, profiles: [] };
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.on('console', m => {
    if (m.type() === 'error' || m.text().startsWith('Failed to load format')) result.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', e => result.errors.push(`page error: ${e.message}`));
  page.on('dialog', d => { result.errors.push(`alert: ${d.message()}`); d.dismiss(); });
  page.on('requestfailed', r => result.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', r => { if (r.status() >= 400) result.errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    const profile = `${base}/profiles/${encodeURIComponent(document.file)}`;
    await page.goto(`${base}/app/index.html#profileURL=${encodeURIComponent(profile)}&view=sandwich`);
    // Loaded when the title names the document; failed when an error shows up first.
    for (let waited = 0; waited < 30000 && result.errors.length === 0; waited += 100) {
      if ((await page.title()) !== 'speedscope') break;
      await page.waitForTimeout(100);
    }
    result.title = await page.title();
    if (result.title === 'speedscope' && result.errors.length === 0) result.errors.push('not loaded in 30 s');
    await frames(page);
    if (await page.getByText('Something went wrong').count() > 0) result.errors.push('speedscope: Something went wrong');
    if (result.errors.length > 0) return result;

    // The profile selector (a hidden table in the toolbar) lists every profile by name, one row each.
    const count = Math.max(1, await page.locator('tr[title]').count());
    for (let i = 0; i < count; i++) {
      if (i > 0) {
        await page.keyboard.press('n'); // the next profile (in the Left Heavy view left by the previous one)
        await page.waitForFunction(n => document.body.innerText.includes(`(${n}/`), i + 1);
        await page.keyboard.press('3'); // Sandwich (the first profile opens in it: view=sandwich)
        await frames(page);
      }
      const title = await toolbarTitle(page);
      const rows = await sandwichRows(page);
      await page.keyboard.press('2'); // Left Heavy
      await frames(page);
      if (i === 0) await page.screenshot({ path: document.screenshot });
      const search = await searchCounts(page, [...new Set(rows.map(r => r.name))]);
      result.profiles.push({ title, rows, search });
    }
  } catch (e) {
    result.errors.push(`probe: ${e.message}`);
  } finally {
    await page.close();
  }
  return result;
}

try {
  const results = [];
  for (const document of spec.documents) results.push(await probe(document));
  fs.writeFileSync(spec.out, JSON.stringify({ documents: results }, null, 1));
} finally {
  await browser.close();
  server.close();
}
