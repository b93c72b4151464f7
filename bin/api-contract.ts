/**
 * API v1 is frozen: its OpenAPI document is committed as docs/api/openapi.v1.json.
 *   npm run api:contract              regenerates the v1 document from the route table and compares it with
 *                                     the committed one: exit 1 on a breaking change, 0 otherwise (CI runs it)
 *   npm run api:contract -- --update  also rewrites the committed document, unless the change is breaking
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { v1Document } from './support/api-versions';
import { compareContracts, contractText, formatReport } from './support/openapi-contract';

const CONTRACT = join(__dirname, '../docs/api/openapi.v1.json');

const main = async (): Promise<number> => {
  const update = process.argv.includes('--update');
  const file = relative(process.cwd(), CONTRACT);
  const generated = contractText(v1Document());
  const write = () => {
    mkdirSync(dirname(CONTRACT), { recursive: true });
    writeFileSync(CONTRACT, generated);
    console.log(`wrote ${file}`);
  };

  if (!existsSync(CONTRACT)) {
    if (update) {
      write();
      return 0;
    }
    console.error(`${file} is missing: \`npm run api:contract -- --update\` writes the v1 document there.`);
    return 1;
  }
  const committed = readFileSync(CONTRACT, 'utf8');
  if (committed === generated) {
    console.log(`API v1 contract: the code makes exactly ${file}.`);
    return 0;
  }

  const report = await compareContracts(JSON.parse(committed) as object, JSON.parse(generated) as object);
  console.log(`API v1 contract: the code's v1 document differs from ${file}.`);
  console.log(formatReport(report));
  if (report.breaking.length) {
    console.error(
      [
        '',
        `API v1 is frozen, and this would break its clients${update ? `: ${file} is left as it is` : ''}.`,
        'Change the route so that v1 keeps its contract (a new field optional, a removed one still sent), or make the',
        'change in a later version only.',
      ].join('\n'),
    );
    return 1;
  }
  if (update) write();
  else console.log(`\nNo breaking change. \`npm run api:contract -- --update\` records it in ${file}.`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
