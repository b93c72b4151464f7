import { countSignIn } from '../../../lambdas/shared/business-metrics';
import { AppError, dependencyUnavailable, tooManyRequests, unauthenticated } from '../../../lambdas/shared/errors';
import { metrics } from '../../../lambdas/shared/observability';

/** Each credential check ends in exactly one of the sign-in metrics, or none for an outage. */
describe('sign-in metrics', () => {
  let added: string[];
  beforeEach(() => {
    added = [];
    jest.spyOn(metrics, 'addMetric').mockImplementation((name: string) => {
      added.push(name);
      return metrics;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts a sign-in, and not an MFA challenge that is still to be answered', async () => {
    await countSignIn(Promise.resolve({ kind: 'signedIn' }), (r) => r.kind === 'signedIn');
    await countSignIn(Promise.resolve({ kind: 'mfaRequired' }), (r) => r.kind === 'signedIn');
    expect(added).toEqual(['SignIns']);
  });

  it.each([
    [unauthenticated('Wrong email or password.'), ['SignInFailures']],
    [tooManyRequests(60), ['SignInsThrottled']],
    [dependencyUnavailable('Cognito'), []],
  ])('rethrows %s and counts %j', async (err: AppError, expected: string[]) => {
    await expect(countSignIn(Promise.reject(err))).rejects.toBe(err);
    expect(added).toEqual(expected);
  });
});
