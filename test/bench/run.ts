import { passed, type BenchModule, type BenchRow } from './bench-row.js';
import * as activity from './activity.bench.js';
import * as cli from './cli.bench.js';
import * as desktop from './desktop.bench.js';
import * as gateway from './gateway.bench.js';
import * as mcp from './mcp.bench.js';
import * as prices from './prices.bench.js';
import * as routing from './routing.bench.js';
import * as usage from './usage.bench.js';

/**
 * `npm run bench [-- topic...]`: runs each benchmark module and prints one table of figures next
 * to their goals. Add a module by writing test/bench/<topic>.bench.ts (export `run`) and listing it here.
 */
const MODULES: BenchModule[] = [{ name: 'usage', run: usage.run }, { name: 'mcp', run: mcp.run }, { name: 'desktop', run: desktop.run }, { name: 'routing', run: routing.run }, { name: 'prices', run: prices.run }, { name: 'cli', run: cli.run }, { name: 'gateway', run: gateway.run }, { name: 'activity', run: activity.run }];

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? MODULES : MODULES.filter((m) => wanted.includes(m.name));
if (selected.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}. Known: ${MODULES.map((m) => m.name).join(', ')}.`);
  process.exit(2);
}

const rows: Array<BenchRow & { module: string }> = [];
// A group that throws is reported and fails the run, but the other groups still run and print.
const broken: Array<{ module: string; error: string }> = [];
for (const module of selected) {
  process.stderr.write(`bench: ${module.name}...\n`);
  try {
    for (const row of await module.run()) rows.push({ ...row, module: module.name });
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench: ${module.name} failed: ${message}\n`);
    broken.push({ module: module.name, error: error instanceof Error ? error.message : String(error) });
  }
}

const format = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const table = [
  ['FIGURE', 'MEASURED', 'GOAL', 'RESULT'],
  ...rows.map((r) => [r.figure, `${format(r.measured)} ${r.unit}`, `${r.kind === 'min' ? '>=' : '<='} ${format(r.goal)} ${r.unit}`, passed(r) ? 'pass' : 'FAIL']),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
console.log(`Keyway benchmarks, ${new Date().toISOString()}, Node ${process.version}`);
for (const line of table) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
const notes = rows.filter((r) => r.note);
if (notes.length > 0) {
  console.log('');
  for (const r of notes) console.log(`- ${r.figure}: ${r.note}`);
}
for (const b of broken) console.log(`- ${b.module}: FAILED TO RUN (${b.error}); its figures are missing from the table`);
process.exitCode = rows.every(passed) && broken.length === 0 ? 0 : 1;
