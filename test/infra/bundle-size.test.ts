import { capabilityList } from '../../lambdas/capabilities';
import { budgetOf, COLD_START_BUDGET, SIZE_EXCEPTIONS } from '../../bench/cold-start-budget';
import { bundleFunction } from '../../bench/function-bundle';

/**
 * Every function's index.js within its size budget (bench/cold-start-budget.ts: 250 KB, or the figure of
 * its stated exception), bundled as the stack bundles it, so a dependency that grows a bundle fails CI
 * rather than every cold start. Bundles are built in memory (about 1 s each on a busy 2-core machine).
 * Init times are the benchmark's job (`npm run bench:cold-start`), never a test's: they move with load.
 */
describe('function bundles within their size budget', () => {
  const functions = capabilityList();

  it.each(functions.map(([id, def]) => [id, def] as const))('%s', async (id, def) => {
    const bundle = await bundleFunction(def.entry);
    const kb = Math.round(bundle.bytes / 100) / 10;
    expect({ kb, within: kb <= budgetOf(id).maxBundleKB }).toEqual({ kb, within: true });
  });

  it('names only functions that exist, each with a reason, over the budget', () => {
    const ids = new Set<string>(functions.map(([id]) => id));
    for (const [id, exception] of Object.entries(SIZE_EXCEPTIONS)) {
      expect({
        id,
        exists: ids.has(id),
        why: exception.why.length > 20,
        over: exception.maxBundleKB > COLD_START_BUDGET.maxBundleKB,
      }).toEqual({
        id,
        exists: true,
        why: true,
        over: true,
      });
    }
  });
});
