import { SYSTEM, type Caller } from '../shared/caller.js';

/** The caller as core sees it: built at the edge (see shared/caller.ts), trusted here. */
export type CallContext = Caller;

export const SYSTEM_CONTEXT: CallContext = SYSTEM;
