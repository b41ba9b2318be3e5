/** Regenerates dashboards/*.json from the definitions (`npm run dashboards`); a test checks they are in sync. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboards } from './boards.js';

const dir = fileURLToPath(new URL('../../dashboards', import.meta.url));
for (const [file, json] of Object.entries(buildDashboards())) {
  writeFileSync(join(dir, file), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`wrote dashboards/${file}\n`);
}
