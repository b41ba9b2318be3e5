import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** The chart library, inlined so the report opens anywhere with no network (CI artifacts, air-gapped laptops). */
export interface ChartAssets {
  script: string;
  css: string;
}

const require = createRequire(import.meta.url);

/** uPlot's minified build, read from the installed package (a dependency), never fetched. */
export async function loadChartAssets(): Promise<ChartAssets> {
  const [script, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  // A literal "</script" inside the library would end the inline tag early; escaped it means the same to JS.
  return { script: script.replace(/<\/(script)/gi, '<\\/$1'), css };
}
