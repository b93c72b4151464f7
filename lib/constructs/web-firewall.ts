import { Stack, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { IP_LIMIT_MESSAGE, type IpRateLimit } from '../../lambdas/api/routes';
import { errorBody } from '../../lambdas/http/error-response';

export interface WebFirewallProps {
  /** The API Gateway stage the web ACL fronts. */
  apiStage: apigateway.Stage;
  /** Its name as a literal (stage.stageName is a token): the first segment of every path WAF sees. */
  stageName: string;
  /** The ACL's CloudWatch metric name: one per API version and deployment stage (its rules' are per ACL). */
  metricName: string;
  /** Per-IP rate-based rules (the route table's IP_RATE_LIMITS). */
  limits: readonly IpRateLimit[];
  removalPolicy: RemovalPolicy;
}

/** AWS managed rule groups, in evaluation order after the per-IP limits. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

const THROTTLED_BODY_KEY = 'throttled';

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The WAF web ACL of the REST API stage: one rate-based rule per per-IP limit (scoped down by URI path,
 * answered 429 with Retry-After in the project's error body, as the local runtime answers), then AWS's
 * common and known-bad-inputs rule groups. Every rule has CloudWatch metrics; blocked requests are logged.
 * Four resources: the ACL, its association, the log group and the logging configuration.
 */
export class WebFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const stagePrefix = `/${props.stageName}`;

    const rateRules: wafv2.CfnWebACL.RuleProperty[] = props.limits.map((limit, priority) => ({
      name: limit.name,
      priority,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit: limit.limit,
          evaluationWindowSec: limit.windowSeconds,
          scopeDownStatement: limit.pathPrefixes ? this.pathStartsWith(limit.pathPrefixes.map((p) => `${stagePrefix}${p}`)) : undefined,
        },
      },
      action: {
        block: {
          customResponse: {
            responseCode: 429,
            customResponseBodyKey: THROTTLED_BODY_KEY,
            // WAF's answer cannot compute the wait: the whole window is the safe upper bound.
            responseHeaders: [{ name: 'Retry-After', value: String(limit.windowSeconds) }],
          },
        },
      },
      visibilityConfig: visibility(limit.name),
    }));

    const managedRules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, i) => ({
      name,
      priority: rateRules.length + i,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    }));

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Per-IP rate limits and AWS managed rules in front of the car-rental API stage.',
      customResponseBodies: {
        [THROTTLED_BODY_KEY]: { contentType: 'APPLICATION_JSON', content: errorBody('THROTTLED', IP_LIMIT_MESSAGE) },
      },
      rules: [...rateRules, ...managedRules],
      visibilityConfig: visibility(props.metricName),
    });

    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.apiStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF requires the `aws-waf-logs-` prefix; the stack's name makes it the stage's. Only blocked requests are logged (who was throttled, what a
    // managed rule caught); allowed traffic is in the API's access log already.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${Stack.of(this).stackName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroup.logGroupArn],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
      },
    });
  }

  /** The URL-decoded URI path starts with one of `prefixes` (the same test as the local runtime's). */
  private pathStartsWith(prefixes: string[]): wafv2.CfnWebACL.StatementProperty {
    const statements = prefixes.map((searchString): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString,
        textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
      },
    }));
    return statements.length === 1 ? statements[0] : { orStatement: { statements } };
  }
}
