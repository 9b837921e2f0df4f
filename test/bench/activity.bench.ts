import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDashboard } from '../../src-main/core/dashboard.js';
import { KeywayService } from '../../src-main/core/service.js';
import type { RefusedRequest } from '../../src-main/shared/activity.js';
import { medianMs, type BenchRow } from './bench-row.js';

/** Gateway records this month: the Activity feed and the Overview's spend per client and project read them raw. */
const RECORDS = 200_000;
const CLIENTS = ['agent-a', 'agent-b', 'ci', 'exec:claude', 'exec:python'];
const PROJECTS = ['web', 'api', 'data'];

export async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyway-bench-activity-'));
  const open = (): KeywayService => KeywayService.open({ dataDir, env: {}, timeZone: 'UTC' });
  const service = open();
  const refusal: RefusedRequest = { provider: 'openai', model: 'gpt-4o', client: 'agent-a', token_id: null, project: 'web', route: 'openai/chat', latency_ms: 1, detail: 'Keyway refused this request: the daily budget is spent.' };
  try {
    for (let i = 0; i < RECORDS; i += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, j) =>
          service.usage.track(
            { provider: 'openai', model: 'gpt-4o', input_tokens: 1200, output_tokens: 300 },
            { gateway: { client: CLIENTS[(i + j) % CLIENTS.length]!, token_id: null, project: PROJECTS[(i + j) % PROJECTS.length]!, route: 'openai/chat', status: 'ok', ttfb_ms: 20, reasoning_tokens: 0 } },
          ),
        ),
      );
      if (i % 2000 === 0) service.accounting.recordRefusal(refusal);
    }
    const firstRead = (() => {
      const fresh = open();
      const start = process.hrtime.bigint();
      fresh.accounting.spendByOrigin('client');
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      fresh.close();
      return ms;
    })();
    buildDashboard(service);
    let extra = 0;
    const dashboard = medianMs(20, () => {
      // One new record between builds, as on a live gateway.
      void service.usage.track({ provider: 'openai', model: 'gpt-4o', input_tokens: 10 + extra++, output_tokens: 1 });
      service.usage.flush();
      buildDashboard(service);
    });
    const note = `${RECORDS.toLocaleString('en-US')} gateway records this month and ${(RECORDS / 2000).toLocaleString('en-US')} refusals in one usage.db; median of repeated calls in this process`;
    return [
      { figure: 'usage.recent, newest 50', measured: medianMs(50, () => service.accounting.recentRequests({ limit: 50 })), unit: 'ms', goal: 5, kind: 'max', note },
      { figure: 'usage.recent, newest 500', measured: medianMs(20, () => service.accounting.recentRequests({ limit: 500 })), unit: 'ms', goal: 25, kind: 'max' },
      {
        figure: 'usage.recent, client with no records (whole scan)',
        measured: medianMs(5, () => service.accounting.recentRequests({ limit: 50, client: 'nobody' })),
        unit: 'ms',
        goal: 100,
        kind: 'max',
      },
      { figure: 'spend per client, first read of the month', measured: firstRead, unit: 'ms', goal: 1000, kind: 'max', note: 'a fresh service: the month is read once, grouped per quarter hour; later reads take only new records' },
      { figure: 'dashboard.get with spend per client/project, live', measured: dashboard, unit: 'ms', goal: 30, kind: 'max' },
      { figure: 'recording one refusal', measured: medianMs(100, () => service.accounting.recordRefusal(refusal)), unit: 'ms', goal: 1, kind: 'max' },
    ];
  } finally {
    service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
