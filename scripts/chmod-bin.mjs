// tsc drops the executable bit; the `keyway` bin (and its earlier name) must be runnable straight after install.
import { chmodSync, existsSync } from 'node:fs';

for (const name of ['main.cjs', 'main.js']) {
  const bin = new URL(`../dist/cli/${name}`, import.meta.url);
  if (existsSync(bin)) chmodSync(bin, 0o755);
}
