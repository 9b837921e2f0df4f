/** The variables each provider's SDKs and CLIs read for their base URL and key, pointed at the gateway. */
export function gatewayVariables(origin: string, token: string): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${origin}/openai/v1`,
    OPENAI_API_KEY: token,
    ANTHROPIC_BASE_URL: `${origin}/anthropic`,
    ANTHROPIC_API_KEY: token,
    GOOGLE_GEMINI_BASE_URL: `${origin}/google`,
    GEMINI_API_KEY: token,
    GOOGLE_API_KEY: token,
    OLLAMA_HOST: `${origin}/ollama`,
    OLLAMA_API_KEY: token,
    KEYWAY_GATEWAY_URL: origin,
    KEYWAY_GATEWAY_TOKEN: token,
  };
}

/** Names that carry credentials: replaced by the gateway token (`*_API_KEY`) or dropped. */
const KEY_NAME = /(_API_KEY|_AUTH_TOKEN|_ACCESS_TOKEN|_SECRET_KEY|_SECRET)$/i;
/** Keyway's own secrets and settings never reach a child. */
const KEYWAY_OWN = /^(SECRET_KEY|KEYWAY_.*)$/;
/** Values shaped like provider keys, whatever the variable is called. */
const KEY_VALUE = /^(sk-[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,}|xai-[A-Za-z0-9]{8,}|gsk_[A-Za-z0-9]{8,})/;

/**
 * The environment for a child of `keyway exec`: the parent's, with every credential-looking
 * variable replaced by the scoped gateway token (`*_API_KEY`) or removed, any value that is one
 * of `secrets` (the vault's keys) or looks like a provider key removed, and the gateway variables
 * set. The real keys are never in it.
 */
export function execChildEnv(parent: NodeJS.ProcessEnv, origin: string, token: string, secrets: readonly string[] = []): NodeJS.ProcessEnv {
  const known = new Set(secrets.filter((s) => s.length >= 8));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || KEYWAY_OWN.test(name)) continue;
    if (KEY_NAME.test(name)) {
      if (/_API_KEY$/i.test(name)) env[name] = token;
      continue;
    }
    if (known.has(value) || KEY_VALUE.test(value) || [...known].some((secret) => value.includes(secret))) continue;
    env[name] = value;
  }
  return { ...env, ...gatewayVariables(origin, token) };
}
