/** One line of the `npm run bench` table. */
export interface BenchRow {
  figure: string;
  measured: number;
  unit: string;
  goal: number;
  /** `min`: measured must be at least the goal (throughput); `max`: at most (latency, size). */
  kind: 'min' | 'max';
  /** How it was measured, printed under the table. */
  note?: string;
}

/** A benchmark module: test/bench/<topic>.bench.ts exports `run` and is listed in run.ts. */
export interface BenchModule {
  name: string;
  run: () => Promise<BenchRow[]>;
}

export function passed(row: BenchRow): boolean {
  return row.kind === 'min' ? row.measured >= row.goal : row.measured <= row.goal;
}

/** Median of `runs` timings of `fn`, in milliseconds. */
export function medianMs(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}
