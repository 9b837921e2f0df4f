/** Keyway's version, as `keyway --version` prints it and the MCP server and service announce it (package.json's, checked by a test). */
export const KEYWAY_VERSION = '0.1.0';
