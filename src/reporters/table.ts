import Table from 'cli-table3';

/** Tables without vertical rules read well in narrow terminals and paste cleanly into issues. */
export const BORDERLESS = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: ' ',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

export function borderlessTable(head: string[], align: ('left' | 'right')[]): Table.Table {
  return new Table({ head, colAligns: align, ...BORDERLESS });
}

/** Rendered table without the padding an empty last column leaves at line ends. */
export function renderTable(t: Table.Table): string {
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
