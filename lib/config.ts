import * as path from 'node:path';
import { RemovalPolicy, type App } from 'aws-cdk-lib';
import { resolveCapacity, type CapacityProfile } from './capacity-profile';
import { checkStage, DEFAULT_STAGE, isProdStage } from './stage';

/** Everything that differs between deployments, read once from CDK context (see cdk.json). */
export interface DeploymentConfig {
  /**
   * Names the stacks and every explicitly named resource (lib/stage.ts), so stages share an account and
   * region. `prod` keeps data on stack deletion and turns deletion protection on; other stages delete
   * theirs with the stack. Default `dev`: production is always an explicit `-c stage=prod`.
   */
  stage: string;
  /** Origins allowed to PUT/GET car photos with presigned URLs. */
  corsOrigins: string[];
  /** Optional address subscribed to the alarm topic. */
  alarmEmail?: string;
  /**
   * SES-verified sender for Cognito emails (verification, password reset). Without it Cognito's built-in
   * sender is used, which AWS caps at a few dozen emails a day: set this for production traffic.
   */
  sesFromEmail?: string;
  /** Cognito Plus tier with threat protection enforced (billed per MAU, so opt-in). */
  cognitoThreatProtection: boolean;
  /**
   * `sandbox` (default: no money moves, test tokens only) or `live` (Stripe and PayPal, credentials in
   * the PaymentGatewaySecret the stack creates, which an operator fills in).
   */
  paymentGateways: 'sandbox' | 'live';
  /** Throttles, reserved concurrency, Redis and Aurora sizes (lib/capacity-profile.ts); absent: the `small` profile. */
  capacity?: CapacityProfile;
  /**
   * Opt-in standby region (`-c standbyRegion=us-west-2`): global tables with a replica there, an Aurora
   * global database with a secondary cluster there, media replicated to a bucket there, backups copied
   * there (docs/operations.md, "Standby region"). Unset: none of it, and the tables stay as they are.
   */
  standbyRegion?: string;
  /**
   * The primary region when the CLI does not know it (`-c region=us-east-1`, for an offline synth):
   * replicas need it spelled out. CDK_DEFAULT_REGION (the CLI's profile) wins.
   */
  region?: string;
}

/** Repository root: capability entries (lambdas/capabilities) are relative to it. */
export const projectRoot = path.resolve(__dirname, '..');

/** The configured capacity profile, `small` when none was given. */
export const capacityOf = (config: DeploymentConfig): CapacityProfile => config.capacity ?? resolveCapacity(config.stage, undefined);

export const isProd = (config: DeploymentConfig): boolean => isProdStage(config.stage);

/** Production data outlives the stack; other stages clean up after themselves. */
export const dataRemovalPolicy = (config: DeploymentConfig): RemovalPolicy =>
  isProd(config) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

const asList = (value: unknown, fallback: string[]): string[] => {
  if (value === undefined) return fallback;
  // `-c corsOrigins=a,b` arrives as a string, cdk.json as an array.
  return Array.isArray(value)
    ? value.map(String)
    : String(value)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
};

/** Browser origins for the media bucket's CORS: explicit ones only (none: no CORS rule at all). */
const corsOrigins = (origins: string[]): string[] => {
  if (origins.some((o) => o.includes('*'))) {
    throw new Error('corsOrigins: list the origins allowed to upload photos (e.g. https://admin.example.com); wildcards are not accepted.');
  }
  return origins;
};

export const configFromContext = (app: App): DeploymentConfig => {
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const stage = checkStage(String(ctx('stage') ?? DEFAULT_STAGE));
  return {
    stage,
    capacity: resolveCapacity(stage, ctx('capacityProfile'), ctx('capacity')),
    corsOrigins: corsOrigins(asList(ctx('corsOrigins'), [])),
    alarmEmail: ctx('alarmEmail') ? String(ctx('alarmEmail')) : undefined,
    sesFromEmail: ctx('sesFromEmail') ? String(ctx('sesFromEmail')) : undefined,
    cognitoThreatProtection: String(ctx('cognitoThreatProtection') ?? 'false') === 'true',
    paymentGateways: String(ctx('paymentGateways') ?? 'sandbox') === 'live' ? 'live' : 'sandbox',
    standbyRegion: ctx('standbyRegion') ? String(ctx('standbyRegion')) : undefined,
    region: ctx('region') ? String(ctx('region')) : undefined,
  };
};

/**
 * The primary region to deploy to: the CLI's (CDK_DEFAULT_REGION), else `-c region`. A standby region
 * needs it known (replicas and copies name both regions) and different from it.
 */
export const primaryRegion = (config: DeploymentConfig, cliRegion: string | undefined): string | undefined => {
  const region = cliRegion ?? config.region;
  if (config.standbyRegion) {
    if (!region) {
      throw new Error(
        `standbyRegion ${config.standbyRegion}: the primary region must be known to replicate to it: configure the CLI's region (AWS_REGION or a profile) or add -c region=<primary>.`,
      );
    }
    if (region === config.standbyRegion)
      throw new Error(`standbyRegion ${config.standbyRegion} is the primary region: choose another one.`);
  }
  return region;
};
