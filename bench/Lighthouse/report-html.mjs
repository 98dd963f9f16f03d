// Rebuilds a run's HTML report from its JSON (x.report.json.gz → x.report.html beside it), with the renderer of the
// Lighthouse version the run used: only the JSON is committed, as every HTML report embeds the same ~2,600-line renderer.
//   node report-html.mjs results/<timestamp>/*.report.json.gz
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ReportGenerator } from 'lighthouse/report/generator/report-generator.js';

for (const file of process.argv.slice(2)) {
  const lhr = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)));
  const html = file.replace(/\.report\.json\.gz$/, '.report.html');
  fs.writeFileSync(html, ReportGenerator.generateReportHtml(lhr));
  console.log(html);
}
