import * as sqs from 'aws-cdk-lib/aws-sqs';
import { fixtureCapabilities, fixtureRoutes } from './fixtures';
import { nagFindings, synthStack } from './synth';

/**
 * cdk-nag AwsSolutions on fresh apps: every finding is fixed or suppressed in code with a reason.
 * The fixture stack checks that the suppressions generalise to grants the real tables will grow into.
 */
describe('cdk-nag AwsSolutions', () => {
  test('production stack: no unsuppressed errors or warnings', () => {
    expect(nagFindings(synthStack({ nag: true }).stack)).toEqual([]);
  });

  test('non-production stage (auto-delete, no deletion protection): none either', () => {
    const { stack, template } = synthStack({ nag: true, config: { stage: 'dev' } });
    expect(nagFindings(stack)).toEqual([]);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    template.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
  });

  test('every kind of capability and route access: none either', () => {
    expect(nagFindings(synthStack({ nag: true, capabilities: fixtureCapabilities, routes: fixtureRoutes }).stack)).toEqual([]);
  });

  test('with an SES sender (notifying functions may send email): none either', () => {
    expect(nagFindings(synthStack({ nag: true, config: { sesFromEmail: 'no-reply@example.com' } }).stack)).toEqual([]);
  });

  test('with a known account and region (as `cdk synth` has them from the CLI): none either', () => {
    const env = { account: '123456789012', region: 'eu-west-1' };
    expect(nagFindings(synthStack({ nag: true, env }).stack)).toEqual([]);
    expect(nagFindings(synthStack({ nag: true, env, config: { sesFromEmail: 'no-reply@example.com' } }).stack)).toEqual([]);
  });

  test('threat protection on: Plus tier, enforced, and clean without the COG8 suppression', () => {
    const { stack, template } = synthStack({ nag: true, config: { cognitoThreatProtection: true } });
    expect(nagFindings(stack)).toEqual([]);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  test('the check is live: an unsuppressed non-compliant resource is reported', () => {
    const { stack } = synthStack({ nag: true, extend: (s) => new sqs.Queue(s, 'Careless') });
    expect(nagFindings(stack)).toEqual(
      expect.arrayContaining([expect.stringMatching(/AwsSolutions-SQS3/), expect.stringMatching(/AwsSolutions-SQS4/)]),
    );
  });
});
