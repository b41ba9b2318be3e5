import type { HarEntry } from './read-har.js';

/**
 * Which recorded requests are the API journey: not the page's static assets, not analytics beacons, not
 * third-party origins (a CDN, a payment widget), not CORS preflights, not requests that got no response.
 * --include keeps a request whatever it is; --exclude drops it.
 */
export interface SelectOptions {
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
}

export type SkipReason =
  'static asset' | 'analytics' | 'third-party origin' | 'preflight' | 'excluded' | 'not http' | 'no response';

export interface Selection {
  readonly kept: HarEntry[];
  readonly skipped: ReadonlyMap<SkipReason, number>;
}

const STATIC_EXTENSION =
  /\.(?:m?js|css|map|html?|png|jpe?g|gif|svg|ico|webp|avif|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|ogg|wav|wasm|pdf|txt|webmanifest)$/i;
const STATIC_MIME = /^(?:text\/(?:html|css|javascript)|application\/(?:x-)?javascript|image\/|font\/|audio\/|video\/)/i;
const ANALYTICS_HOST =
  /(?:^|\.)(?:google-analytics\.com|googletagmanager\.com|doubleclick\.net|googlesyndication\.com|segment\.(?:io|com)|mixpanel\.com|hotjar\.(?:com|io)|amplitude\.com|fullstory\.com|nr-data\.net|newrelic\.com|sentry\.io|browser-intake-datadoghq\.(?:com|eu)|facebook\.(?:net|com)|clarity\.ms|plausible\.io|posthog\.com|intercom\.io|heap(?:analytics)?\.(?:io|com))$/i;

export function selectApiEntries(entries: readonly HarEntry[], options: SelectOptions): Selection {
  const site = firstPartySite(entries);
  const kept: HarEntry[] = [];
  const skipped = new Map<SkipReason, number>();
  for (const entry of entries) {
    const reason = skipReason(entry, site, options);
    if (reason === undefined) kept.push(entry);
    else skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  }
  return { kept, skipped };
}

function skipReason(entry: HarEntry, site: string | undefined, options: SelectOptions): SkipReason | undefined {
  const url = parseUrl(entry.request.url);
  if (url === undefined) return 'not http';
  if (options.exclude.some((r) => r.test(entry.request.url))) return 'excluded';
  if (options.include.some((r) => r.test(entry.request.url))) return undefined;
  // Failed, blocked or aborted while recording: nothing says what the server answers, so it is no journey step.
  if (entry.response.status <= 0) return 'no response';
  if (entry.request.method.toUpperCase() === 'OPTIONS') return 'preflight';
  if (ANALYTICS_HOST.test(url.hostname)) return 'analytics';
  if (site !== undefined && siteOf(url.hostname) !== site) return 'third-party origin';
  if (STATIC_EXTENSION.test(url.pathname) || STATIC_MIME.test(entry.response.content.mimeType ?? ''))
    return 'static asset';
  return undefined;
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The site of the recorded page: the host of the first HTML document, else of the first request. Hosts of one
 * site (www.shop.test and api.shop.test) are first party; an IP address or localhost is its own site.
 */
function firstPartySite(entries: readonly HarEntry[]): string | undefined {
  const page = entries.find((e) => /^text\/html/i.test(e.response.content.mimeType ?? '')) ?? entries[0];
  const url = page === undefined ? undefined : parseUrl(page.request.url);
  return url === undefined ? undefined : siteOf(url.hostname);
}

/** Registrable domain, approximated by the last two labels (good enough to tell a CDN from the app). */
export function siteOf(hostname: string): string {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':') || !hostname.includes('.')) return hostname;
  return hostname.split('.').slice(-2).join('.');
}
