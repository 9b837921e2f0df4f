/** The HTTP port `keyway serve` and the tray app listen on unless told otherwise (KEYWAY_PORT, --port). */
export const DEFAULT_HTTP_PORT = 7391;
