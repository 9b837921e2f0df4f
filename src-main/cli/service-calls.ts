import { dispatch } from '../core/dispatch.js';
import type { KeywayService } from '../core/service.js';
import { OWNER_CLI } from '../shared/caller.js';
import type { Channel, ChannelInput, ChannelResult } from '../shared/channels.js';

/** A channel's result as the CLI gets it: a streamed export arrives as an AsyncIterable. */
export type Carried<C extends Channel> = ChannelResult<C> extends Iterable<string> ? AsyncIterable<string> : ChannelResult<C>;

/** The service as a CLI command sees it: every channel, in-process or over the socket, as the owner. */
export interface ServiceCalls {
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Carried<C>>;
}

/** The in-process service, through the same dispatch the socket uses. */
export function localCalls(service: KeywayService): ServiceCalls {
  return {
    call: async (channel, input) => {
      const value = await dispatch(service, channel, input, OWNER_CLI);
      return (isStream(value) ? asAsync(value) : value) as never;
    },
  };
}

function isStream(value: unknown): value is Iterable<string> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value && !Array.isArray(value);
}

async function* asAsync(chunks: Iterable<string>): AsyncGenerator<string> {
  yield* chunks;
}
