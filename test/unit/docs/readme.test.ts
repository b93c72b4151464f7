import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The docs cannot drift from the code they describe: the README stays a short door (at most 200
 * lines), its walk-throughs are the scripts test/e2e/walkthroughs.test.ts runs (a block after a
 * `<!-- walkthrough: <file> -->` marker is that file, less its shebang and `set` header), and every
 * relative link in README.md and docs/ names a file that exists.
 */
const ROOT = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

const markdownFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
const DOCS = ['README.md', ...markdownFiles('docs')];

/** A script's text as pasted: without the lines up to and including `set -euo pipefail` and the blank line after. */
const pastedPart = (script: string): string => script.replace(/^[\s\S]*?^set -euo pipefail\n\n?/m, '');

/** `[{ file, block }]` for each `<!-- walkthrough: file -->` marker and the fenced block right after it. */
const walkthroughBlocks = (markdown: string): Array<{ file: string; block: string }> =>
  [...markdown.matchAll(/<!-- walkthrough: (\S+) -->\n```bash\n([\s\S]*?)^```$/gm)].map((m) => ({ file: m[1], block: m[2] }));

/** Relative link targets of a markdown text (`[text](target)`), without their #fragment. */
const relativeLinks = (markdown: string): string[] =>
  [...markdown.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.replace(/#.*$/, ''));

it('keeps the README at most 200 lines', () => {
  expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
});

it('has the customer and the admin walk-through in the README, and each walk-through it includes is the script the e2e test runs', () => {
  const blocks = walkthroughBlocks(read('README.md'));
  // Others (docs/walkthroughs/customer-v2.sh) are run by the e2e test too; the README may include them or link them.
  expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['docs/walkthroughs/customer.sh', 'docs/walkthroughs/admin.sh']));
  for (const { file, block } of blocks) {
    const script = read(file);
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n[\s\S]*^set -euo pipefail$/m);
    expect(block).toBe(pastedPart(script));
  }
});

it('finds the parts it compares', () => {
  // A broken pattern would find nothing and pass the checks above and below for any README.
  expect(pastedPart('#!/usr/bin/env bash\n# x\nset -euo pipefail\n\nA=1\n')).toBe('A=1\n');
  expect(walkthroughBlocks('<!-- walkthrough: a.sh -->\n```bash\nA=1\n```\n')).toEqual([{ file: 'a.sh', block: 'A=1\n' }]);
  expect(relativeLinks('[a](docs/api.md#errors) [b](https://x.org) [c](#top) [d](../e.md)\n```\n[f](g.md)\n```')).toEqual([
    'docs/api.md',
    '../e.md',
  ]);
});

it.each(DOCS)('%s: every relative link resolves to a file or folder of the repository', (file) => {
  const broken = relativeLinks(read(file)).filter((target) => {
    const resolved = join(ROOT, dirname(file), decodeURIComponent(target));
    return !existsSync(resolved) || relative(ROOT, resolved).startsWith('..');
  });
  expect(broken).toEqual([]);
});
