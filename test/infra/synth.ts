import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CarRentalStack, type CarRentalStackProps } from '../../lib/car-rental-stack';
import type { DeploymentConfig } from '../../lib/config';

/** Synthesis helpers for the infra tests: the real cdk.json context, esbuild bundling skipped. */

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export const prodConfig: DeploymentConfig = {
  stage: 'prod',
  corsOrigins: ['https://app.example.com'],
  cognitoThreatProtection: false,
  paymentGateways: 'sandbox',
};

export interface Synthesised {
  stack: CarRentalStack;
  template: Template;
}

export const synthStack = (
  overrides: Partial<Omit<CarRentalStackProps, 'config'>> & {
    config?: Partial<DeploymentConfig>;
    /** Apply AwsSolutionsChecks, as bin/app.ts does. */
    nag?: boolean;
    /** Add resources to the stack before synthesis (negative controls). */
    extend?: (stack: CarRentalStack) => void;
  } = {},
): Synthesised => {
  const { config, nag, extend, ...rest } = overrides;
  // An empty bundling-stacks list makes NodejsFunction skip esbuild (tests stay fast and offline).
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new CarRentalStack(app, 'CarRentalStack', { ...rest, config: { ...prodConfig, ...config } });
  extend?.(stack);
  if (nag) Aspects.of(app).add(new AwsSolutionsChecks());
  return { stack, template: Template.fromStack(stack) };
};

/** cdk-nag AwsSolutions errors and warnings left unfixed and unsuppressed, as readable lines. */
export const nagFindings = (stack: CarRentalStack): string[] => {
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('AwsSolutions-.*');
  return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)].map(
    (m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`,
  );
};

/** Resources of one type, as [logicalId, properties] pairs. */
export const resourcesOf = (template: Template, type: string): Array<[string, Record<string, any>]> =>
  Object.entries(template.findResources(type)).map(([id, r]) => [id, (r as { Properties: Record<string, any> }).Properties]);

/** The logical id of the one resource of `type` whose properties match `props`. */
export const logicalIdOf = (template: Template, type: string, props: Record<string, unknown>): string => {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${ids.length}`);
  return ids[0];
};
