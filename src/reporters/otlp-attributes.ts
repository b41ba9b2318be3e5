/** Attributes of the OpenTelemetry semantic conventions, as backend-bench's figures map to them. */
import type { Attributes } from '@opentelemetry/api';
import { OTHER_STATUS, type StatusRow } from '../metrics/status-table.js';
import type { SloVerdict } from '../slo/evaluate.js';

/** server.address / server.port of the target, as the HTTP client conventions want them. */
export function serverAttributes(url: string | undefined): Attributes {
  if (url === undefined) return {};
  try {
    const u = new URL(url);
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return { 'server.address': u.hostname.replace(/^\[|\]$/g, ''), 'server.port': port };
  } catch {
    return {};
  }
}

/**
 * http.response.status_code and error.type of one status row, as the HTTP client conventions want them:
 * error.type is the status code (a string) for 4xx/5xx, our error kind for failures without a response
 * (timeout, connect_refused, …) or with an acceptable status that failed a check, and "_OTHER" for the overflow
 * row of failures (statuses beyond the per-request bound, whose codes were not kept).
 */
export function statusAttributes(row: Pick<StatusRow, 'status' | 'error'>): Attributes {
  if (row.status === OTHER_STATUS) return row.error === undefined ? {} : { 'error.type': '_OTHER' };
  const attrs: Attributes = row.status > 0 ? { 'http.response.status_code': row.status } : {};
  if (row.status >= 400) attrs['error.type'] = String(row.status);
  else if (row.error !== undefined) attrs['error.type'] = row.error;
  return attrs;
}

/**
 * An SLO's value in the unit of the metric it judges (UCUM, as OTel units are written): latency in seconds like
 * http.client.request.duration, a ratio as 1, a rate per second, a count as is. One instrument holds every SLO,
 * so each point says its unit in backend_bench.slo.unit.
 */
export const SLO_VALUE_UNITS: Readonly<Record<SloVerdict['unit'], (v: number) => { value: number; unit: string }>> = {
  ms: (v) => ({ value: v / 1000, unit: 's' }),
  ratio: (v) => ({ value: v, unit: '1' }),
  rps: (v) => ({ value: v, unit: '1/s' }),
  count: (v) => ({ value: v, unit: '1' }),
};
