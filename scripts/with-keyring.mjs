// Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the keychain
// tests exercise the real Secret Service. Falls back to running the command as is when there is
// already a session bus or the tools are missing (the keychain suite then reports itself skipped
// only if KEYWAY_ALLOW_NO_KEYCHAIN=1; otherwise it fails loudly).
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-keyring.mjs <command> [args...]');
  process.exit(2);
}

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const inner = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
const npxInner = `PATH="${process.cwd()}/node_modules/.bin:$PATH" ${inner}`;

let result;
if (process.env.KEYWAY_IN_KEYRING !== '1' && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const script = `echo -n keyway-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; export KEYWAY_IN_KEYRING=1; ${npxInner}`;
  result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], { stdio: 'inherit' });
} else {
  result = spawnSync('sh', ['-c', npxInner], { stdio: 'inherit' });
}
process.exit(result.status ?? 1);
