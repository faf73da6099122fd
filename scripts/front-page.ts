/**
 * Writes reports/index.html again from the reports already there, with every profile's latest run beside it (npm test
 * runs it last, after the real-engine profile's suite). Usage: npm run report:front [-- reports-dir]
 */
import path from 'node:path';
import { rewriteFrontPage } from '../support/report/front-page';

const root = path.resolve(__dirname, '..');
const dir = path.resolve(root, process.argv[2] ?? 'reports');
try {
  console.log(`front page: ${path.relative(root, rewriteFrontPage(root, dir))} (every profile's latest run)`);
} catch (err) {
  console.error(`front page: cannot write it from ${dir}: ${(err as Error).message}`);
  process.exit(1);
}
