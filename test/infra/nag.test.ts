import * as sqs from 'aws-cdk-lib/aws-sqs';
import { fixtureCapabilities, fixtureRoutes } from './fixtures';
import { nagFindings, synthStack } from './synth';

/**
 * cdk-nag AwsSolutions on fresh apps, every stack of each: every finding is fixed or suppressed in code
 * with a reason. The fixture app checks that the suppressions generalise to grants the real tables will
 * grow into.
 */
describe('cdk-nag AwsSolutions', () => {
  test('production app: no unsuppressed errors or warnings in any stack', () => {
    const app = synthStack({ nag: true });
    expect(app.stacks.all.map((s) => s.stackName)).toEqual([
      'CarRentalStack',
      'CarRentalStack-Functions',
      'CarRentalStack-Api-v1',
      'CarRentalStack-Api-v2',
      'CarRentalStack-Monitoring',
    ]);
    expect(nagFindings(app)).toEqual([]);
  });

  test('non-production stage (auto-delete, no deletion protection): none either', () => {
    const app = synthStack({ nag: true, config: { stage: 'dev' } });
    const { template } = app;
    expect(nagFindings(app)).toEqual([]);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 3); // photos, their access logs, the photo CDN's logs
    template.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
  });

  test('every kind of capability and route access: none either', () => {
    expect(nagFindings(synthStack({ nag: true, capabilities: fixtureCapabilities, routes: fixtureRoutes }))).toEqual([]);
  });

  test('with an SES sender (notifying functions may send email): none either', () => {
    expect(nagFindings(synthStack({ nag: true, config: { sesFromEmail: 'no-reply@example.com' } }))).toEqual([]);
  });

  test('with a known account and region (as `cdk synth` has them from the CLI): none either', () => {
    const env = { account: '123456789012', region: 'eu-west-1' };
    expect(nagFindings(synthStack({ nag: true, env }))).toEqual([]);
    expect(nagFindings(synthStack({ nag: true, env, config: { sesFromEmail: 'no-reply@example.com' } }))).toEqual([]);
  });

  test('with a standby region (global tables, Aurora secondary, media replica, backup copies): none either', () => {
    const app = synthStack({ nag: true, env: { region: 'us-east-1' }, config: { standbyRegion: 'us-west-2' } });
    expect(app.stacks.standby).toBeDefined();
    expect(nagFindings(app)).toEqual([]);
  });

  test('threat protection on: Plus tier, enforced, and clean without the COG8 suppression', () => {
    const app = synthStack({ nag: true, config: { cognitoThreatProtection: true } });
    const { template } = app;
    expect(nagFindings(app)).toEqual([]);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  test('the check is live: an unsuppressed non-compliant resource is reported', () => {
    const findings = nagFindings(synthStack({ nag: true, extend: (s) => s.all.forEach((stack) => new sqs.Queue(stack, 'Careless')) }));
    // In every stack of the app, not only the first.
    for (const stack of ['CarRentalStack', 'CarRentalStack-Functions', 'CarRentalStack-Api-v1', 'CarRentalStack-Monitoring']) {
      expect(findings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${stack} .*AwsSolutions-SQS3`)),
          expect.stringMatching(new RegExp(`^${stack} .*AwsSolutions-SQS4`)),
        ]),
      );
    }
  });
});
