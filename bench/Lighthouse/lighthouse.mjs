// One Lighthouse run as the CLI makes it (mobile, default simulated throttling), in a fresh headless chromium that can reach
// loopback only; with a cookie ("name=value") set first, for a signed-in page.
//   node lighthouse.mjs URL OUTPUT_BASE [COOKIE]   → OUTPUT_BASE.report.json and OUTPUT_BASE.report.html
import fs from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';
import lighthouse from 'lighthouse';

const [url, outputBase, cookie] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-extensions',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
try {
  if (cookie) {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
    const page = await browser.newPage();
    const separator = cookie.indexOf('=');
    await page.setCookie({ name: cookie.slice(0, separator), value: cookie.slice(separator + 1), url, httpOnly: true, sameSite: 'Lax' });
    await page.close();
    await browser.disconnect();
  }

  // The browser is fresh, so nothing is cached; keeping storage keeps the cookie (Lighthouse's reset would clear it).
  const result = await lighthouse(url, { port: chrome.port, output: ['json', 'html'], logLevel: 'error', disableStorageReset: true });
  fs.writeFileSync(`${outputBase}.report.json`, result.report[0]);
  fs.writeFileSync(`${outputBase}.report.html`, result.report[1]);
  if (result.lhr.runtimeError) {
    console.error(result.lhr.runtimeError.message);
    process.exitCode = 1;
  }
} finally {
  await chrome.kill();
}
