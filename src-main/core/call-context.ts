/** Who is calling, for the audit log, and the caller's environment for `env_var` look-ups. */
export interface CallContext {
  actor: string;
  callerEnv?: NodeJS.ProcessEnv;
}

export const SYSTEM_CONTEXT: CallContext = { actor: 'system' };
