// `npm run setup`: one install that follows the lock file and builds the native modules (keytar,
// better-sqlite3) once, with Electron's binary download deferred; then the Electron runtime as its
// own step. When that download fails (offline or restricted networks) the install stays as it is and
// one line says that Keyway will run headless and how to add the runtime later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** A 100 MB download on a slow line is slow, but a black-holed network must not hang set-up forever. */
const RUNTIME_TIMEOUT_MS = Number(process.env.KEYWAY_ELECTRON_TIMEOUT_S ?? 900) * 1000;
const LATER = 'add it later with `node node_modules/electron/install.js` (or `npm rebuild electron`) once GitHub is reachable, or set ELECTRON_MIRROR';

const useLock = existsSync(join(root, 'package-lock.json'));
const installEnv = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
const install = spawnSync(npm, [useLock ? 'ci' : 'install'], { cwd: root, stdio: 'inherit', env: installEnv, shell: process.platform === 'win32' });
if (install.status !== 0) {
  console.error(`\nKeyway: \`npm ${useLock ? 'ci' : 'install'}\` failed; fix the error above and run npm run setup again.`);
  process.exit(install.status ?? 1);
}

const installer = join(root, 'node_modules', 'electron', 'install.js');
if (!existsSync(installer)) {
  console.log('\nKeyway is installed without Electron (dev dependencies omitted): it will run headless with its UI in your browser. Start it with: npm start');
  process.exit(0);
}
const runtimeEnv = { ...process.env };
delete runtimeEnv.ELECTRON_SKIP_BINARY_DOWNLOAD;
const runtime = spawnSync(process.execPath, [installer], { cwd: join(root, 'node_modules', 'electron'), env: runtimeEnv, encoding: 'utf8', timeout: RUNTIME_TIMEOUT_MS });
if (runtime.status === 0) {
  console.log('\nKeyway is installed. Start it with: npm start');
  process.exit(0);
}
console.log(`\nKeyway is installed, but the Electron runtime could not be downloaded (${why(runtime)}): Keyway will run headless with its UI in your browser (npm start); ${LATER}.`);
process.exit(0);

/** The download's first error line, without any user:password a proxy URL may carry. */
function why(result) {
  if (result.error?.code === 'ETIMEDOUT') return `no answer in ${RUNTIME_TIMEOUT_MS / 1000} s`;
  if (result.error) return result.error.message;
  const line = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? `exit ${result.status ?? result.signal}`;
  return line.replace(/\/\/[^/\s@]+@/g, '//').slice(0, 160);
}
