import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
const root = '/work/wt13';
const { KeywayService } = await import(`${root}/dist/core/service.js`);
const { TokenStore } = await import(`${root}/dist/core/tokens/token-store.js`);
const { readServerInfo } = await import(`${root}/dist/server/server-info.js`);
const { startEmulators, configFor } = await import(`${root}/dist-bench/test/emulators/index.js`);
const emu = await startEmulators();
const dir = mkdtempSync(join(tmpdir(), 'kw-prof-'));
const dataDir = join(dir, 'data'); const configPath = join(dir, 'cfg.json');
writeFileSync(configPath, JSON.stringify({ providers: Object.fromEntries(Object.entries(configFor(emu)).map(([p, c]) => [p, { ...c, rate_limit: 1e6 }])), budget: { enabled: process.env.BUDGET !== '0', daily_limit: 1e6, monthly_limit: 1e7 } }));
const env = { SECRET_KEY: 'k'.repeat(20), KEYWAY_CONFIG: configPath, KEYWAY_TZ: 'UTC' };
const s = KeywayService.open({ dataDir, store: 'file', env }); await s.addKey({ provider: 'openai', api_key: emu.openai.key }, { actor: 'b' }); s.close();
const { token } = await new TokenStore({ dataDir }).create({ kind: 'gateway', name: 'b' });
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, `${root}/dist/cli/main.js`, 'serve', '--port', '0', '--data-dir', dataDir, '--store', 'file'], { env: { PATH: process.env.PATH, HOME: dir, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
let info; for (let i = 0; i < 200; i++) { info = readServerInfo(dataDir); if (info?.pid === child.pid) break; await new Promise(r => setTimeout(r, 50)); }
const direct = process.env.DIRECT === '1'; const pool = new Pool(direct ? emu.openai.baseUrl : info.http_origin, { connections: 128 });
const body = JSON.stringify({ model: 'gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] });
let stop = false, ok = 0; const t0 = performance.now();
await Promise.all(Array.from({ length: 64 }, async () => { while (!stop) { const r = await pool.request({ path: direct ? '/v1/chat/completions' : '/openai/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${direct ? emu.openai.key : token}`, 'content-type': 'application/json' }, body }); await r.body.text(); ok++; if (performance.now() - t0 > 5000) stop = true; } }));
console.log('total ms', p => 0);console.log('req/s', ok / ((performance.now() - t0) / 1000));
child.kill('SIGTERM'); await new Promise(r => child.once('exit', r)); await pool.close(); await emu.stop();
const prof = readdirSync(dir).find(f => f.endsWith('.cpuprofile'));
const p = JSON.parse((await import('node:fs')).readFileSync(join(dir, prof), 'utf8'));
const self = new Map(); const byId = new Map(p.nodes.map(n => [n.id, n]));
const dt = p.timeDeltas; const counts = new Map();
p.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, t] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); }
const total = [...self.values()].reduce((a, b) => a + b, 0); console.log('profile wall ms', total/1000);
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, t]) => `${(100 * t / total).toFixed(1)}% ${k}`).join('\n'));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stacks = new Map();
for (const [id, t] of counts) { const n = byId.get(id); if (!/scryptSync|writev|openFileHandle/.test(n.callFrame.functionName)) continue; let chain = []; let cur = id; for (let d = 0; d < 14 && cur !== undefined; d++) { const m = byId.get(cur); chain.push(`${m.callFrame.functionName}@${m.callFrame.url.split('/').slice(-2).join('/')}`); cur = parent.get(cur); } const k = chain.join(' < '); stacks.set(k, (stacks.get(k) ?? 0) + t); }
console.log([...stacks.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, t]) => `${(t/1000).toFixed(0)}ms ${k}`).join('\n\n'));
