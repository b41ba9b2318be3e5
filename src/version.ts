import { createRequire } from 'node:module';

/** Read from package.json (one level above both src/ and dist/), so the version is stated once. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
