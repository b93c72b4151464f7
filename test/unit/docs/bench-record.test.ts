import { resultsFile } from '../../../bench/record';

/** A recorded benchmark says when it ran, on what and under what load, with the output as printed. */
it('writes the date, Node.js, CPUs and load average before and after above the output', () => {
  const text = resultsFile({
    name: 'payments',
    startedAt: new Date('2026-12-03T22:40:00.000Z'),
    seconds: 61.4,
    node: 'v20.20.2',
    cpus: '2 x Example CPU',
    loadBefore: [1.5, 2, 2.25],
    loadAfter: [3, 2.5, 2.3],
    exitCode: 0,
    output: '| a | b |\n| 1 | 2 |\n\n',
  });
  expect(text).toBe(
    [
      '# bench:payments, 2026-12-03T22:40:00.000Z',
      '',
      'Written by `npm run bench:record -- payments`; do not edit. Node.js v20.20.2, 2 x Example CPU.',
      'Load average (1 / 5 / 15 min): 1.50 / 2.00 / 2.25 before, 3.00 / 2.50 / 2.30 after; 61 s, exit code 0.',
      '',
      '```',
      '| a | b |\n| 1 | 2 |',
      '```',
      '',
    ].join('\n'),
  );
});
