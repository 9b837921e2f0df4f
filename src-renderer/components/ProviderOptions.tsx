import { PROVIDER_IDS, type ProviderId } from '../../src-main/shared/providers.js';

/** The `<option>`s of a provider `<select>`: every provider, or the given ones. */
export function ProviderOptions({ providers = PROVIDER_IDS }: { providers?: readonly ProviderId[] }): React.JSX.Element {
  return (
    <>
      {providers.map((p) => (
        <option key={p} value={p}>
          {p}
        </option>
      ))}
    </>
  );
}
