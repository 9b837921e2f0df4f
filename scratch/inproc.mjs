import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
const root = '/work/wt13';
const { KeywayService } = await import(`${root}/dist/core/service.js`);
const { TokenStore } = await import(`${root}/dist/core/tokens/token-store.js`);
const { createGateway } = await import(`${root}/dist/gateway/gateway.js`);
const { startHttpServer } = await import(`${root}/dist/http/server.js`);
const { startEmulators, configFor } = await import(`${root}/dist-bench/test/emulators/index.js`);
const emu = await startEmulators();
const dir = mkdtempSync(join(tmpdir(), 'kw-inproc-'));
const dataDir = join(dir, 'data'); const configPath = join(dir, 'cfg.json');
writeFileSync(configPath, JSON.stringify({ providers: Object.fromEntries(Object.entries(configFor(emu)).map(([p, c]) => [p, { ...c, rate_limit: 1e6 }])), budget: { enabled: true, daily_limit: 1e6, monthly_limit: 1e7 } }));
const env = { SECRET_KEY: 'k'.repeat(20), KEYWAY_CONFIG: configPath, KEYWAY_TZ: 'UTC' };
const service = KeywayService.open({ dataDir, store: 'file', env }); await service.addKey({ provider: 'openai', api_key: emu.openai.key }, { actor: 'b' });
const tokens = new TokenStore({ dataDir });
const { token } = await tokens.create({ kind: 'gateway', name: 'b' });
const gateway = createGateway({ service, tokens });
const http = await startHttpServer({ token: 'x'.repeat(40), port: 0, publicRoutes: [gateway.route] });
const pool = new Pool(http.origin, { connections: 8 }); const direct = new Pool(emu.openai.baseUrl, { connections: 8 });
const body = JSON.stringify({ model: 'gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] });
const one = async (p, path, auth) => { const t = performance.now(); const r = await p.request({ path, method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body }); await r.body.text(); return performance.now() - t; };
for (let i = 0; i < 500; i++) { await one(pool, '/openai/v1/chat/completions', `Bearer ${token}`); await one(direct, '/v1/chat/completions', `Bearer ${emu.openai.key}`); }
const g = [], d = [];
const { Session } = await import('node:inspector'); const session = new Session(); session.connect();
const post = (m, p) => new Promise((res, rej) => session.post(m, p, (e, r) => e ? rej(e) : res(r)));
await post('Profiler.enable'); await post('Profiler.start');
for (let i = 0; i < 3000; i++) { g.push(await one(pool, '/openai/v1/chat/completions', `Bearer ${token}`)); d.push(await one(direct, '/v1/chat/completions', `Bearer ${emu.openai.key}`)); }
const { profile: p } = await post('Profiler.stop');
const pct = (a, q) => [...a].sort((x, y) => x - y)[Math.floor(q * a.length)];
console.log('gateway p50', pct(g, .5).toFixed(3), 'direct p50', pct(d, .5).toFixed(3), 'added p50', (pct(g, .5) - pct(d, .5)).toFixed(3), 'p99 added', (pct(g, .99) - pct(d, .99)).toFixed(3));
const byId = new Map(p.nodes.map(n => [n.id, n])); const counts = new Map();
p.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const self = new Map();
for (const [id, t] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); }
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, t]) => `${(100 * t / total).toFixed(1)}% ${k}`).join('\n'));
await pool.close(); await direct.close(); await http.close(); await gateway.close(); service.close(); await emu.stop();
