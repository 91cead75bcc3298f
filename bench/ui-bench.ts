/**
 * The web apps as their users receive them (GitHub issue 6): the embed loader's gzipped size,
 * the initial JavaScript of the widget's chat window and of the console (entry plus module
 * preloads, gzipped), and the time from the loader's first line to an interactive chat button on
 * a plain host page of another origin, in headless Chromium. Needs the apps built (npm run
 * build runs tsc; scripts/bootstrap.sh also runs the Vite builds) and Chromium
 * (scripts/chromium.sh). Writes bench/results/ui-<timestamp>.json and latest-ui.json.
 */
import { join } from 'node:path';
import { initialJs, measureWidget } from '../apps/widget/test/support/measure.js';
import {
  REPO_ROOT,
  environment,
  goal,
  printGoals,
  printTable,
  round,
  writeResults,
} from './lib.js';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const widget = await measureWidget({ runs });
const consoleJs = initialJs(join(REPO_ROOT, 'apps/console/dist'), 'index.html', '/console/');

console.log('\nWeb apps (gzip level 9)');
printTable(
  ['what', 'bytes', 'gzipped'],
  [
    ['embed loader (loader.js)', widget.loaderBytes, widget.loaderGzipBytes],
    ['widget frame, initial JS', widget.frameJsBytes, widget.frameJsGzipBytes],
    ['console, initial JS', consoleJs.bytes, consoleJs.gzip],
  ],
);
console.log(
  `\nLoader start → interactive chat button: median ${round(widget.buttonAfterLoaderMs)} ms ` +
    `(navigation start → button ${round(widget.buttonAfterNavigationMs)} ms), ${widget.runs} cold loads`,
);
const goals = [goal('loader-gzip', 'embed loader gzipped', widget.loaderGzipBytes, 2048, 'B')];
printGoals(goals);
const written = writeResults(
  'ui',
  { environment: environment(), widget, console: consoleJs, goals },
  true,
);
console.log(`\nresults: ${written.join(', ')}`);
process.exit(goals.every((g) => g.pass) ? 0 : 1);
