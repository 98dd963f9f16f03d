// One page load in headless chromium, as a phone shows it, printing what decides the first and the largest paint: the paint,
// largest-contentful-paint (with its element) and long-task entries, and when each resource was asked for and arrived.
// With the system served by `Lighthouse.Bench --serve` (it prints the addresses and the checkout's cookie):
//   node lcp-probe.mjs URL [COOKIE] [slow]      (COOKIE "name=value" or ""; slow: 4× CPU slowdown, as Lighthouse's mobile)
import { withPhonePage } from './phone-page.mjs';

const [url, cookie, slow] = process.argv.slice(2);
await withPhonePage({ url, cookie, slow }, async page => {
  await page.evaluateOnNewDocument(() => {
    window.__probe = [];
    const describe = el => `${el.tagName}.${el.className} «${(el.textContent || '').trim().slice(0, 50)}»`;
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        window.__probe.push({ t: Math.round(e.startTime), lcp: e.size, element: e.element ? describe(e.element) : e.url });
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        window.__probe.push({ t: Math.round(e.startTime), paint: e.name });
      }
    }).observe({ type: 'paint', buffered: true });
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        window.__probe.push({ t: Math.round(e.startTime), longTask: Math.round(e.duration) });
      }
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url, { waitUntil: 'networkidle0' });
  await new Promise(resolve => setTimeout(resolve, 1500));
  const entries = await page.evaluate(() => window.__probe);
  for (const entry of entries.sort((a, b) => a.t - b.t)) {
    console.log(JSON.stringify(entry));
  }

  const resources = await page.evaluate(() => performance.getEntriesByType('resource')
    .map(r => `${Math.round(r.startTime)}–${Math.round(r.responseEnd)} ms ${r.name.split('/').pop()}`));
  console.log(resources.join('\n'));
});
