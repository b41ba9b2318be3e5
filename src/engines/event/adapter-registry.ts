import type { AdapterFactory } from './broker-adapter.js';

/**
 * Broker adapters by URL scheme. Adding a broker is one line here: the factory imports its module lazily, so the
 * broker's client library is loaded only by runs that use it.
 */
export const BROKER_ADAPTERS = {
} satisfies Record<string, AdapterFactory>;

export type BrokerScheme = keyof typeof BROKER_ADAPTERS;

export function brokerSchemes(): BrokerScheme[] {
  return Object.keys(BROKER_ADAPTERS) as BrokerScheme[];
}

/** The adapter factory for a broker URL, or undefined when its scheme has no adapter (or it is not a URL). */
export function adapterFor(url: string): AdapterFactory | undefined {
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch {
    return undefined;
  }
  return Object.hasOwn(BROKER_ADAPTERS, scheme) ? BROKER_ADAPTERS[scheme as BrokerScheme] : undefined;
}
