import { fileURLToPath } from 'node:url';

/**
 * The `keyway` bin (dist/cli/main.cjs), for editor configs that launch it. Resolved from this folder:
 * tsc's files and the bundle's chunks (scripts/bundle-cli.mjs) both sit in dist/cli/.
 */
export const KEYWAY_MAIN_JS: string = fileURLToPath(new URL('./main.cjs', import.meta.url));
