// One page load traced in headless chromium as Lighthouse's mobile sees it (a phone's viewport, 4× CPU slowdown): the trace
// (devtools timeline and V8's sampling profiler) is written to OUT for trace-tasks.py, which says what each long task of the
// page's main thread is made of. With the system served by `Lighthouse.Bench --serve`:
//   node trace-probe.mjs URL [COOKIE] [OUT]      (OUT defaults to /tmp/trace.json)
import { withPhonePage } from './phone-page.mjs';

const [url, cookie, out] = process.argv.slice(2);
await withPhonePage({ url, cookie, slow: true }, async page => {
  await page.tracing.start({
    path: out ?? '/tmp/trace.json',
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'loading'],
  });
  await page.goto(url, { waitUntil: 'networkidle0' });
  await new Promise(resolve => setTimeout(resolve, 3000));
  await page.tracing.stop();
});
