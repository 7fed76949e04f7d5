// Crops a screenshot of the VS Code suite for docs/images/ (Chromium does the work, so no image
// library is needed): node crop.js IN.png OUT.png X Y WIDTH HEIGHT
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const [input, output, ...box] = process.argv.slice(2);
const [x, y, width, height] = box.map(Number);
if (!output || [x, y, width, height].some((n) => !Number.isFinite(n))) {
  console.error('usage: node crop.js IN.png OUT.png X Y WIDTH HEIGHT');
  process.exit(2);
}
(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: x + width, height: y + height } });
    const png = fs.readFileSync(input).toString('base64');
    await page.setContent(`<body style="margin:0"><img src="data:image/png;base64,${png}"></body>`);
    await page.waitForFunction(() => document.images[0].complete);
    await page.screenshot({ path: output, clip: { x, y, width, height } });
  } finally {
    await browser.close();
  }
})();
