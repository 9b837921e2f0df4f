// `npm run setup`: installs dependencies. Where Electron's binary cannot be downloaded (offline or
// restricted networks), retries without it and says that Keyway will run headless, with its UI in
// the browser.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const install = (env) => spawnSync(npm, ['install'], { stdio: 'inherit', env: { ...process.env, ...env } }).status;

if (install({}) === 0) {
  console.log('\nKeyway is installed. Start it with: npm start');
  process.exit(0);
}
console.warn('\nThe full install failed (most often: the Electron binary could not be downloaded).');
console.warn('Retrying with ELECTRON_SKIP_BINARY_DOWNLOAD=1; Keyway will then run headless with its UI in your browser.\n');
const status = install({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
if (status === 0) console.log('\nKeyway is installed (headless: no Electron runtime). Start it with: npm start');
process.exit(status ?? 1);
