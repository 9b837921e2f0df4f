// `npm start`: builds what is missing or stale, then starts the tray app when an Electron runtime and a
// display exist; otherwise runs `keyway serve` with the same UI in the browser, prints one line saying
// why and the dashboard URL, and runs until Ctrl-C. KEYWAY_HEADLESS=1 forces the browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newest(paths) {
  let max = 0;
  const walk = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else max = Math.max(max, stat.mtimeMs);
  };
  paths.forEach((p) => walk(join(root, p)));
  return max;
}

function stale(output, sources) {
  const out = join(root, output);
  return !existsSync(out) || statSync(out).mtimeMs < newest(sources);
}

/** Runs an npm script quietly; shows its output only if it fails. */
function build(script) {
  const result = spawnSync(npm, ['run', '--silent', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}\nKeyway: \`npm run ${script}\` failed; fix the error above and run npm start again.\n`);
    process.exit(result.status ?? 1);
  }
}

/** Why the desktop app cannot start here, or null when it can. */
function headlessReason() {
  if (process.env.KEYWAY_HEADLESS === '1') return 'KEYWAY_HEADLESS=1 is set';
  try {
    const binary = createRequire(import.meta.url)('electron');
    if (typeof binary !== 'string' || !existsSync(binary)) throw new Error('missing');
  } catch {
    return 'no Electron runtime is installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)';
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY and WAYLAND_DISPLAY are not set)';
  return null;
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const skipBuild = process.env.KEYWAY_START_NO_BUILD === '1';
if (!skipBuild && stale('dist/cli/main.cjs', ['src-main'])) build('build:node');
const reason = headlessReason();

if (reason === null) {
  if (!skipBuild && stale('out/main/main.js', ['src-main', 'src-renderer'])) build('build:app');
  const electron = createRequire(import.meta.url)('electron');
  forwardSignals(spawn(electron, [root], { cwd: root, stdio: 'inherit' }));
} else {
  if (!skipBuild && stale('dist/renderer/index.html', ['src-renderer', 'src-main/shared'])) build('build:renderer');
  const { ensureDataDir, resolveDataDir } = await import(pathToFileURL(join(root, 'dist/core/data-dir.js')).href);
  const { readDashboardToken } = await import(pathToFileURL(join(root, 'dist/http/auth.js')).href);
  const dataDir = ensureDataDir(resolveDataDir(undefined, process.env));
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.cjs'), 'serve'], {
    cwd: root,
    env: { ...process.env, KEYWAY_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let ready = false;
  let early = '';
  child.stderr.on('data', (chunk) => {
    if (ready) process.stderr.write(chunk);
    else early += chunk;
  });
  child.on('exit', (code) => {
    if (!ready) process.stderr.write(early || `Keyway: keyway serve exited (${code}).\n`);
  });
  forwardSignals(child);
  const infoPath = join(dataDir, 'server.json');
  const poll = setInterval(() => {
    let info;
    try {
      info = JSON.parse(readFileSync(infoPath, 'utf8'));
    } catch {
      return;
    }
    if (info.pid !== child.pid) return;
    clearInterval(poll);
    ready = true;
    // `keyway serve` checks (and if need be renews) the dashboard token before it writes server.json.
    const token = readDashboardToken(dataDir);
    console.log(`Keyway is running headless because ${reason}: open ${info.http_origin}/ui/#token=${token} (Ctrl+C to stop)`);
  }, 100);
  child.on('exit', () => clearInterval(poll));
}
