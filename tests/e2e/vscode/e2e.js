// Drives code-server (VS Code 1.100 in the browser) in Debian's headless Chromium through
// playwright-core and checks the packaged Shorewall extension end to end, as a user would:
// language mode, Problems panel, completion, hover, Format Document and format-on-save, the fix,
// the ip6tables preview and its refresh, the syntax tree, and a server restart.
//
// Usage: node e2e.js URL WORKSPACE_DIR SHOTS_DIR
// Env:   E2E_PROFILE real|fake, E2E_DIAG_CODE (unknown-zone), E2E_HOVER_TEXT, STEP_TIMEOUT_MS,
//        E2E_WRAPPER_LOG (one line per server start), CHROMIUM, E2E_STEPS (all, or problems:
//        stop after the Problems panel).
// Exit 0 = every check passed. One screenshot per step in SHOTS_DIR.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, wsDir, shots] = process.argv.slice(2);
const STEP_TIMEOUT = Number(process.env.STEP_TIMEOUT_MS || 20000);
const PROFILE = process.env.E2E_PROFILE || 'real';
const DIAG_CODE = process.env.E2E_DIAG_CODE || 'unknown-zone';
const HOVER_TEXT = process.env.E2E_HOVER_TEXT || 'allow the connection request';
const WRAPPER_LOG = process.env.E2E_WRAPPER_LOG;
const rulesFile = path.join(wsDir, 'shorewall6', 'rules');
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
let failures = 0;
let passes = 0;
function check(ok, what, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} - ${what}${!ok && detail ? ': ' + detail : ''}`);
  if (ok) passes++;
  else failures++;
  return ok;
}
const tokens = (text) => text.split(/\s+/).filter(Boolean).join(' ');
const until = (promise) => promise.then(() => true, () => false);
const serverStarts = () =>
  WRAPPER_LOG && fs.existsSync(WRAPPER_LOG) ? fs.readFileSync(WRAPPER_LOG, 'utf8').split('\n').filter(Boolean).length : 0;

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

// Runs a command through the command palette (F1), matching its label exactly.
async function runCommand(page, label) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type(label);
  await page.locator(`.quick-input-list .monaco-list-row.focused[aria-label^="${label}"]`).first().waitFor();
  await page.keyboard.press('Enter');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
}

async function openFile(page, relative) {
  const base = path.basename(relative);
  await page.click('.monaco-workbench .part.editor');
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type(relative);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${base}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${base}"]`);
  await page.waitForSelector('.monaco-editor .view-lines');
}

async function languageMode(page) {
  await page.waitForTimeout(300);
  return page.locator('#status\\.editor\\.mode').innerText().catch(() => '');
}

// The text of the editor whose active tab's label contains `label`, or undefined.
async function tabText(page, label) {
  return page.$$eval('.editor-group-container', (groups, wanted) => {
    for (const group of groups) {
      const tab = [...group.querySelectorAll('.tab.active')].find((t) => (t.getAttribute('aria-label') || '').includes(wanted));
      const lines = group.querySelector('.monaco-editor .view-lines');
      if (tab && lines) return lines.innerText.replace(/\u00a0/g, ' ');
    }
    return undefined;
  }, label);
}

async function waitForTabText(page, label, predicate) {
  const deadline = Date.now() + STEP_TIMEOUT;
  let text;
  while (Date.now() < deadline) {
    text = await tabText(page, label);
    if (text !== undefined && predicate(text)) return { ok: true, text };
    await page.waitForTimeout(100);
  }
  return { ok: false, text };
}

async function problemsText(page) {
  return page.locator('.markers-panel').innerText().catch(() => '');
}

async function waitForProblems(page, predicate) {
  const deadline = Date.now() + STEP_TIMEOUT;
  let text = '';
  while (Date.now() < deadline) {
    text = await problemsText(page);
    if (predicate(text)) return { ok: true, text };
    await page.waitForTimeout(100);
  }
  return { ok: false, text };
}

// Searches the editor of the tab labelled `label` with the find widget, until `needle` is found
// (the widget follows changes of the text) or the step times out. Reads the whole document,
// where the DOM holds only the lines in view. Leaves the match in view.
async function findInTab(page, label, needle) {
  await page.click(`.tabs-container .tab[aria-label*="${label}"]`);
  await page.waitForTimeout(100);
  await page.keyboard.press('Control+F');
  const input = '.find-widget.visible textarea, .find-widget.visible input';
  await page.waitForSelector(input);
  await page.fill(input, needle);
  const deadline = Date.now() + STEP_TIMEOUT;
  let count = '';
  while (Date.now() < deadline) {
    count = await page.locator('.find-widget.visible .matchesCount').innerText().catch(() => '');
    if (/^(\d+|\?) of \d+/.test(count.trim())) break;
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  return { ok: /^(\d+|\?) of \d+/.test(count.trim()), count };
}

async function focusRulesEditor(page) {
  await page.click('.tabs-container .tab[aria-label*="rules"]');
  await page.waitForTimeout(100);
}

(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const original = fs.readFileSync(rulesFile, 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.setDefaultTimeout(STEP_TIMEOUT);
  try {
    await page.goto(`${url}/?folder=${encodeURIComponent(wsDir)}`);
    await page.waitForSelector('.monaco-workbench');
    await page.waitForSelector('.explorer-folders-view .monaco-list-row');
    await page.click('.monaco-workbench .part.editor');
    log('workbench loaded');

    // --- file associations
    for (const file of ['shorewall6/zones', 'shorewall6/shorewall6.conf']) {
      await openFile(page, file);
      const mode = await languageMode(page);
      check(/^Shorewall$/.test(mode.trim()), `language mode of ${file} is Shorewall`, mode);
    }
    await openFile(page, 'shorewall6/rules');
    const mode = await languageMode(page);
    check(/^Shorewall$/.test(mode.trim()), 'language mode of shorewall6/rules is Shorewall', mode);

    // --- Problems panel shows the unknown zone
    await page.keyboard.press('Control+Shift+M');
    let problems = await waitForProblems(page, (text) => text.includes(DIAG_CODE) && /nte/.test(text));
    await shot(page, '01-problems');
    check(problems.ok, `Problems panel shows ${DIAG_CODE} for nte`, problems.text);
    log('problems:', JSON.stringify(problems.text.slice(0, 200)));
    if (process.env.E2E_STEPS === 'problems') return;

    // --- completion in the SOURCE column of a new rule
    await focusRulesEditor(page);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('ACCEPT\t');
    await page.keyboard.press('Control+Space');
    const suggestOk = await until(page.waitForSelector('.suggest-widget.visible .monaco-list-row'));
    const suggestText = suggestOk ? await page.locator('.suggest-widget').innerText() : '';
    await shot(page, '02-completion');
    check(['net', 'loc', 'dmz'].every((zone) => new RegExp(`(^|\\s)${zone}(\\s|$)`, 'm').test(suggestText)),
      'completion lists the zones net, loc, dmz', JSON.stringify(suggestText));
    await page.keyboard.press('Escape');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');

    // --- hover on ACCEPT (line 3)
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input');
    await page.keyboard.type('3:3');
    await page.keyboard.press('Enter');
    await runCommand(page, 'Show or Focus Hover');
    const wanted = PROFILE === 'fake' ? 'FAKE hover: ACCEPT' : HOVER_TEXT;
    let hoverText = '';
    for (let i = 0; i < STEP_TIMEOUT / 100; i++) {
      // Several .monaco-hover elements exist (most hidden): read them all.
      hoverText = (await page.$$eval('.monaco-hover', (nodes) => nodes.map((node) => node.innerText).join(' ')))
        .replace(/[\s\u00a0]+/g, ' ');
      if (hoverText.toLowerCase().includes(wanted.toLowerCase())) break;
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(500); // the hover fades in
    await shot(page, '03-hover');
    check(hoverText.toLowerCase().includes(wanted.toLowerCase()),
      PROFILE === 'fake' ? 'hover answers (fake server: no manpage)' : 'hover shows the manpage text for ACCEPT', hoverText);
    await page.keyboard.press('Escape');

    // --- Format Document, then save (format-on-save is on for the language by default)
    await focusRulesEditor(page);
    const unformatted = await tabText(page, 'rules');
    await runCommand(page, 'Format Document');
    const formattedView = await waitForTabText(page, 'rules', (text) => text !== unformatted);
    await shot(page, '04-formatted');
    check(formattedView.ok, 'Format Document changes the editor text', formattedView.text);
    await page.keyboard.press('Control+S');
    let saved = original;
    for (let i = 0; i < 100 && saved === original; i++) {
      await page.waitForTimeout(100);
      saved = fs.readFileSync(rulesFile, 'utf8');
    }
    check(saved !== original, 'the formatted file is saved', JSON.stringify(saved));
    check(tokens(saved) === tokens(original), 'formatting changed only blanks', JSON.stringify(saved));
    if (PROFILE !== 'fake') {
      // settings.json sets shorewall.format.tabWidth 4: the columns start on multiples of 4
      // (8 by default), padded with spaces (the default).
      check(/^ACCEPT {6}loc {5}\$FW {5}tcp {5}22$/m.test(saved) && !saved.includes('\t'),
        'the file is aligned with the settings set (tabWidth 4, spaces)', JSON.stringify(saved));
    }

    // --- fix the zone: the diagnostic goes away
    await page.keyboard.press('Control+F');
    await page.waitForSelector('.find-widget.visible textarea, .find-widget.visible input');
    await page.keyboard.type('nte');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.type('net');
    await page.keyboard.press('Control+S');
    problems = await waitForProblems(page, (text) => !text.includes(DIAG_CODE));
    await shot(page, '05-fixed');
    check(problems.ok, 'the fix clears the diagnostic', problems.text);

    // --- preview beside the editor
    await runCommand(page, 'Shorewall: Preview generated ip6tables rules');
    const PREVIEW_TAB = 'ip6tables (shorewall6)';
    // The editor's DOM holds only the lines in view: the start of the text, then the find widget.
    const previewShown = await waitForTabText(page, PREVIEW_TAB, (text) => /(^|\n)\*/.test(text) && /(^|\n)-A /.test(text));
    check(previewShown.ok, 'the preview tab shows ip6tables-restore text (a *table, -A rules)', previewShown.text);
    const filter = await findInTab(page, PREVIEW_TAB, '*filter');
    check(filter.ok, 'the preview has a *filter table', filter.count);
    if (PROFILE !== 'fake') {
      // Bring the rules' own chains into view (the preview names each rule's source line).
      const ruleLine = await findInTab(page, PREVIEW_TAB, '# rules:');
      check(ruleLine.ok, 'the preview annotates rules with their lines', ruleLine.count);
    }
    await shot(page, '06-preview');
    const groups = await page.locator('.editor-group-container').count();
    check(groups >= 2, 'the preview opens beside the editor', `${groups} editor groups`);

    // --- the preview follows edits of the configuration
    await focusRulesEditor(page);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('ACCEPT\tloc\t$FW\ttcp\t2222\n');
    await page.keyboard.press('Control+S');
    const refreshed = await findInTab(page, PREVIEW_TAB, '2222');
    await shot(page, '07-preview-refreshed');
    check(refreshed.ok, 'the preview refreshes when rules change', refreshed.count);

    // --- syntax tree
    await focusRulesEditor(page);
    await runCommand(page, 'Shorewall: Show syntax tree');
    const tree = await waitForTabText(page, 'rules (syntax tree)',
      (text) => text.includes('ACCEPT') && !text.startsWith('# shorewall-ls could not'));
    await shot(page, '08-syntax-tree');
    check(tree.ok, 'the syntax tree tab shows the tree', tree.text);

    // --- restart: a new server process takes over and checks the file
    const before = serverStarts();
    await focusRulesEditor(page);
    await runCommand(page, 'Shorewall: Restart server');
    let restarted = false;
    for (let i = 0; i < STEP_TIMEOUT / 100 && !restarted; i++) {
      await page.waitForTimeout(100);
      restarted = serverStarts() > before;
    }
    check(!WRAPPER_LOG || restarted, 'Restart server starts a new server process', `${serverStarts()} starts`);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('ACCEPT\tbogus\t$FW');
    problems = await waitForProblems(page, (text) => text.includes(DIAG_CODE) && text.includes('bogus'));
    await shot(page, '09-after-restart');
    check(problems.ok, 'after the restart the server reports a new unknown zone', problems.text);

    // --- what the server was started with (the fake test double logs it)
    const fakeLog = process.env.FAKE_SHOREWALL_LS_LOG;
    if (PROFILE === 'fake' && fakeLog) {
      const events = fs.readFileSync(fakeLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
      const init = events.find((event) => event.event === 'initialize');
      const config = events.find((event) => event.event === 'response' && Array.isArray(event.result));
      // Only the settings the user set (settings.json: tabWidth) reach the server.
      const want = JSON.stringify({ format: { tabWidth: 4 } });
      check(JSON.stringify(init && init.initializationOptions) === want, 'initializationOptions carry only the settings set',
        JSON.stringify(init));
      check(JSON.stringify(config && config.result[0]) === want, 'workspace/configuration answers the settings set',
        JSON.stringify(config));
    }
  } catch (e) {
    check(false, 'exception', String((e && e.stack) || e));
    await shot(page, 'error').catch(() => {});
  } finally {
    await browser.close();
    console.log(`${passes} passed, ${failures} failed`);
    log('done');
    process.exit(failures ? 1 : 0);
  }
})();
