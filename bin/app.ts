#!/usr/bin/env node
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CarRentalStack } from '../lib/car-rental-stack';
import { configFromContext } from '../lib/config';

// Synthesises offline: no lookups, and the account/region stay unresolved unless the CLI knows them.
const app = new App();
const config = configFromContext(app);

new CarRentalStack(app, 'CarRentalStack', {
  description: `Car rental platform (${config.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  config,
});

// Every AwsSolutions finding fails synthesis unless fixed or suppressed with a reason in code.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
