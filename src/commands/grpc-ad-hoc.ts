import { InputError } from '../errors.js';
import { parseHeaderFlag } from './run-options.js';

/** The flags an ad-hoc gRPC run reads besides load: the protos and the request message. */
export interface GrpcFlags {
  url?: string;
  proto?: string[];
  data?: string;
  header?: string[];
}

/**
 * `run --url grpc://host:port/pkg.Service/Method --proto shop.proto --data '{"sku":"a"}'`: one call, its message
 * from --data (JSON, templates allowed in string leaves), --header as call metadata. Protos are relative to the
 * working directory, as the user typed them; without them, the server's reflection describes the method.
 */
export function grpcAdHocData(flags: GrpcFlags): Record<string, unknown> {
  const url = new URL(flags.url ?? '');
  const call = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (call === '') {
    throw new InputError(
      `--url ${url.origin}: name the method, e.g. ${url.protocol}//${url.host}/shop.Inventory/GetItem`,
    );
  }
  let message: unknown = {};
  if (flags.data !== undefined) {
    try {
      message = JSON.parse(flags.data);
    } catch (err) {
      throw new InputError(`--data: not JSON (${(err as Error).message})`);
    }
  }
  const metadata = Object.fromEntries((flags.header ?? []).map(parseHeaderFlag));
  return {
    // Without --proto the methods are read from the server's reflection service.
    target: {
      url: `${url.protocol}//${url.host}`,
      ...(flags.proto !== undefined && flags.proto.length > 0 && { proto: flags.proto }),
    },
    requests: [{ name: call, call, message, ...(Object.keys(metadata).length > 0 && { metadata }) }],
  };
}
