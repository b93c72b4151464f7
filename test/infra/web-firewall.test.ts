import { Match } from 'aws-cdk-lib/assertions';
import { API_STAGE, IP_LIMIT_MESSAGE, IP_RATE_LIMITS } from '../../lambdas/api/routes';
import { MANAGED_RULE_GROUPS } from '../../lib/constructs/web-firewall';
import { resourcesOf, synthStack } from './synth';

// The web ACL of each API version is in that version's stack (CarRentalStack-Api-v1 here).
const { api: template } = synthStack();

describe('WAF web ACL on the API stage', () => {
  const [[aclId, acl]] = resourcesOf(template, 'AWS::WAFv2::WebACL');
  const ruleNamed = (name: string) => acl.Rules.find((r: { Name: string }) => r.Name === name);

  test('one regional web ACL, allowing by default, with metrics', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    expect(acl).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true },
    });
  });

  test.each(IP_RATE_LIMITS.map((l) => [l.name, l] as const))(
    '%s: rate-based per IP, the declared limit and window, 429 + Retry-After',
    (name, limit) => {
      const rule = ruleNamed(name);
      expect(rule).toBeDefined();
      const rate = rule.Statement.RateBasedStatement;
      expect(rate).toMatchObject({ AggregateKeyType: 'IP', Limit: limit.limit, EvaluationWindowSec: limit.windowSeconds });
      const scoped = [
        rate.ScopeDownStatement?.ByteMatchStatement,
        ...(rate.ScopeDownStatement?.OrStatement?.Statements ?? []).map((s: any) => s.ByteMatchStatement),
      ].filter(Boolean);
      expect(scoped.map((s: any) => s.SearchString)).toEqual((limit.pathPrefixes ?? []).map((p) => `/${API_STAGE}${p}`));
      for (const s of scoped) {
        expect(s).toMatchObject({
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'STARTS_WITH',
          TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }],
        });
      }
      expect(rule.Action.Block.CustomResponse).toEqual({
        ResponseCode: 429,
        CustomResponseBodyKey: 'throttled',
        ResponseHeaders: [{ Name: 'Retry-After', Value: String(limit.windowSeconds) }],
      });
      expect(rule.VisibilityConfig.CloudWatchMetricsEnabled).toBe(true);
    },
  );

  test('sign-in, registration and payments are limited tighter than the whole API', () => {
    const all = IP_RATE_LIMITS.find((l) => !l.pathPrefixes)!;
    const perSecond = (l: { limit: number; windowSeconds: number }) => l.limit / l.windowSeconds;
    for (const prefix of ['/users/login', '/users/register', '/payments']) {
      const rule = IP_RATE_LIMITS.find((l) => l.pathPrefixes?.includes(prefix));
      expect(rule).toBeDefined();
      expect(perSecond(rule!)).toBeLessThan(perSecond(all) / 10);
    }
  });

  test('the 429 body is the project error shape, the same message the local runtime sends', () => {
    const body = acl.CustomResponseBodies.throttled;
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toEqual({ error: { code: 'THROTTLED', message: IP_LIMIT_MESSAGE } });
  });

  test('AWS managed common and known-bad-inputs rule groups, after the rate rules, not overridden to count', () => {
    MANAGED_RULE_GROUPS.forEach((name, i) => {
      expect(ruleNamed(name)).toMatchObject({
        Priority: IP_RATE_LIMITS.length + i,
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
        OverrideAction: { None: {} },
      });
    });
    expect(new Set(acl.Rules.map((r: { Priority: number }) => r.Priority)).size).toBe(acl.Rules.length);
  });

  test('associated with the v1 stage (by its Ref, so after it exists)', () => {
    const [[stageId]] = resourcesOf(template, 'AWS::ApiGateway::Stage');
    const associations = template.findResources('AWS::WAFv2::WebACLAssociation');
    expect(Object.values(associations)).toHaveLength(1);
    const [association] = Object.values(associations) as Array<{ Properties: any }>;
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const arn = JSON.stringify(association.Properties.ResourceArn);
    expect(arn).toContain(`"/stages/",${JSON.stringify({ Ref: stageId })}`);
  });

  test('blocked requests are logged to an aws-waf-logs- log group', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), RetentionInDays: 30 });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      LoggingFilter: Match.objectLike({ DefaultBehavior: 'DROP' }),
    });
  });
});
