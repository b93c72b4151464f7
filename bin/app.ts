#!/usr/bin/env node
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addCarRentalStacks } from '../lib/car-rental-app';
import { configFromContext, primaryRegion } from '../lib/config';

// Synthesises offline: no lookups, and the account/region stay unresolved unless the CLI knows them.
const app = new App();
const config = configFromContext(app);

// One stage per synthesis (`-c stage=dev`, the default; `-c stage=prod` for production): CarRentalStack-<stage>
// (data), -Functions, -Api-<version>, -Monitoring; prod's are CarRentalStack, CarRentalStack-Functions... (lib/stage.ts).
addCarRentalStacks(app, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: primaryRegion(config, process.env.CDK_DEFAULT_REGION) },
});

// Every AwsSolutions finding, in every stack, fails synthesis unless fixed or suppressed with a reason in code.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
