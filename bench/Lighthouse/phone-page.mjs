// A page in headless chromium as a phone shows it (Lighthouse's mobile viewport), able to resolve nothing but 127.0.0.1,
// optionally with a session cookie and Lighthouse's 4× CPU slowdown; for the probes beside it. `use` gets the page; the
// browser is closed after it, whatever happens.
import puppeteer from 'puppeteer-core';

export async function withPhonePage({ url, cookie, slow }, use) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: 'new',
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true });
    if (cookie) {
      const separator = cookie.indexOf('=');
      await page.setCookie({ name: cookie.slice(0, separator), value: cookie.slice(separator + 1), url, httpOnly: true, sameSite: 'Lax' });
    }

    if (slow) {
      const cdp = await page.createCDPSession();
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    }

    return await use(page);
  } finally {
    await browser.close();
  }
}
