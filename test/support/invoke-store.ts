import { InvokeStoreBase } from '@aws/lambda-invoke-store';

/**
 * Leaves the current async context as another invocation's, as a leaking await did in the local runtime
 * (the regression the queue and stream wrapper tests guard against).
 */
export const switchToAnotherInvocation = () => {
  const store = (globalThis as { awslambda?: { InvokeStore?: unknown } }).awslambda?.InvokeStore as { als: { enterWith(s: object): void } };
  store.als.enterWith({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'another-invocation' });
};
