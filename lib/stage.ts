/**
 * How a stage (dev, staging, prod, or a person's `dev-ana`) names what it deploys, so that several stages
 * live side by side in one account and region: every stack id and every name the app sets explicitly
 * derives from the stage. No CDK imports: the operator tools (bin/) use it to name a stage's stacks.
 *
 * `prod` keeps the stack ids and names it had before stages existed: a new stack id is a new stack beside
 * the deployed one (which would keep running, orphaned), and a renamed queue is a new, empty queue.
 * test/infra/stages.test.ts asserts that two stages in one app share no name.
 */

import { deadLetterQueueName, type QueueDefinition } from '../lambdas/shared/queues';

export const PROD_STAGE = 'prod';
/** What `cdk deploy` without `-c stage=...` deploys: never production by accident. */
export const DEFAULT_STAGE = 'dev';

/** The one-stack app's id: prod's data stack keeps it (its resources stay where they are). */
export const BASE_STACK_ID = 'CarRentalStack';

/** Short enough that the longest derived name (a FIFO DLQ's, a WAF log group's) stays within AWS's limits. */
export const MAX_STAGE_LENGTH = 16;
const STAGE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const isProdStage = (stage: string): boolean => stage === PROD_STAGE;

/** The stage, if it can name stacks, queues and alarms (lower-case letters, digits, inner hyphens); else throws. */
export const checkStage = (stage: string): string => {
  if (!STAGE_PATTERN.test(stage) || stage.length > MAX_STAGE_LENGTH) {
    throw new Error(
      `stage "${stage}": use lower-case letters and digits, words joined by single hyphens, at most ${MAX_STAGE_LENGTH} characters (e.g. dev, staging, prod, dev-ana).`,
    );
  }
  return stage;
};

/** `CarRentalStack` for prod, `CarRentalStack-<stage>` for any other stage: the data stack's id and every other stack's prefix. */
export const stackIdPrefix = (stage: string): string => (isProdStage(stage) ? BASE_STACK_ID : `${BASE_STACK_ID}-${stage}`);

/** The ids (and so the CloudFormation names) of a stage's stacks, in deployment order. */
export const stackIds = (stage: string) => {
  const prefix = stackIdPrefix(stage);
  return {
    data: prefix,
    functions: `${prefix}-Functions`,
    api: (version: string) => `${prefix}-Api-${version}`,
    monitoring: `${prefix}-Monitoring`,
    /** In the standby region (`standbyRegion`): before the data stack, and after it. */
    standbyStorage: `${prefix}-StandbyStorage`,
    standbyDatabase: `${prefix}-StandbyDatabase`,
  };
};

/**
 * A name the app set before stages existed (queues, REST APIs, WAF metrics): prod's unchanged, any other
 * stage's prefixed with it. A FIFO queue's name keeps its `.fifo` suffix (`dev-booking-requests.fifo`).
 */
export const stagedName = (stage: string, name: string): string => (isProdStage(stage) ? name : `${stage}-${name}`);

/** A declared queue's and its dead-letter queue's names in a stage. */
export const stagedQueueNames = (stage: string, def: QueueDefinition): { queue: string; deadLetterQueue: string } => {
  const name = stagedName(stage, def.name);
  return { queue: name, deadLetterQueue: deadLetterQueueName({ ...def, name }) };
};

/** Alarms and the dashboard are named with the stage in every stage, prod's too: an alarm email says which stage it is about. */
export const alarmName = (stage: string, what: string): string => `car-rental-${stage}-${what}`;
export const dashboardName = (stage: string): string => `car-rental-${stage}`;

/** The Aurora global database's identifier (an account-wide name): the standby stack's secondary cluster joins it by name. */
export const globalClusterName = (stage: string): string => `car-rental-${stage}-payments`;
/**
 * The standby region's copy of the media bucket and its backup vault, named so that the primary stack
 * can point at them without a cross-region reference (the account is the deploy-time pseudo parameter).
 */
export const mediaReplicaBucketName = (stage: string, account: string, region: string): string =>
  `car-rental-${stage}-media-${region}-${account}`;
export const standbyVaultName = (stage: string): string => `car-rental-${stage}-standby`;
