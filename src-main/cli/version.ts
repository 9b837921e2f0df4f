/** The version `keyway --version` prints and the MCP server announces. */
export const KEYWAY_VERSION = process.env.npm_package_version ?? '0.1.0';
