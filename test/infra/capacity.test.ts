import { App } from 'aws-cdk-lib';
import { IP_RATE_LIMITS, routesOf } from '../../lambdas/api/routes';
import { CAPACITY_PROFILES, resolveCapacity, scaledThrottle, type CapacityProfileName } from '../../lib/capacity-profile';
import { configFromContext } from '../../lib/config';
import { resourcesOf, synthStack } from './synth';

/** Both capacity profiles synthesize, and each one's limits and sizes are what the templates carry. */
describe.each(Object.keys(CAPACITY_PROFILES) as CapacityProfileName[])('capacity profile %s', (name) => {
  const profile = CAPACITY_PROFILES[name];
  const { template, functions, api, stacks } = synthStack({ config: { capacity: profile } });

  it('throttles the stage and each route as the profile says', () => {
    const [[, stage]] = resourcesOf(api, 'AWS::ApiGateway::Stage');
    const settings = stage.MethodSettings as Array<Record<string, unknown>>;
    const stageWide = settings.find((s) => s.ResourcePath === '/*');
    expect(stageWide).toMatchObject({
      ThrottlingRateLimit: profile.stageThrottle.rateLimit,
      ThrottlingBurstLimit: profile.stageThrottle.burstLimit,
    });
    const [version] = Object.keys(stacks.apis);
    const booking = routesOf(version as 'v1').find((r) => r.operationId === 'requestBooking')!;
    const method = settings.find((s) => s.ResourcePath === `/${booking.path.replace(/\//g, '~1')}` && s.HttpMethod === booking.method);
    expect(method).toMatchObject({
      ThrottlingRateLimit: scaledThrottle(profile, booking.throttle).rateLimit,
      ThrottlingBurstLimit: scaledThrottle(profile, booking.throttle).burstLimit,
    });
  });

  it('sets the per-IP catch-all limit', () => {
    const [[, acl]] = resourcesOf(api, 'AWS::WAFv2::WebACL');
    const all = IP_RATE_LIMITS.find((l) => !l.pathPrefixes)!;
    const rule = (acl.Rules as Array<{ Name: string; Statement: { RateBasedStatement: { Limit: number } } }>).find(
      (r) => r.Name === all.name,
    )!;
    expect(rule.Statement.RateBasedStatement.Limit).toBe(Math.round(all.limit * profile.ipAllScale));
  });

  it('reserves concurrency for the functions it names, and only those', () => {
    const reserved = resourcesOf(functions, 'AWS::Lambda::Function')
      .map(([, fn]) => fn.ReservedConcurrentExecutions as number | undefined)
      .filter((n) => n !== undefined)
      .sort((a, b) => a - b);
    expect(reserved).toEqual(Object.values(profile.reservedConcurrency).sort((a, b) => a - b));
  });

  it('sizes Redis, Aurora and the FIFO queues', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: profile.redis.nodeType,
      NumCacheClusters: 1 + profile.redis.replicas,
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: profile.aurora.minAcu, MaxCapacity: profile.aurora.maxAcu },
    });
    const fifo = resourcesOf(template, 'AWS::SQS::Queue').filter(([, q]) => q.FifoQueue && q.RedrivePolicy);
    expect(fifo.length).toBeGreaterThan(0);
    for (const [, q] of fifo) expect(q.FifoThroughputLimit).toBe(profile.fifoHighThroughput ? 'perMessageGroupId' : 'perQueue');
  });
});

describe('capacity context', () => {
  it('is small by default, named per stage, with single fields overridden', () => {
    expect(configFromContext(new App()).capacity).toEqual(CAPACITY_PROFILES.small);
    const perStage = { capacityProfile: { prod: 'seedPeak' } };
    expect(configFromContext(new App({ context: { ...perStage, stage: 'prod' } })).capacity).toEqual(CAPACITY_PROFILES.seedPeak);
    expect(configFromContext(new App({ context: { ...perStage, stage: 'dev' } })).capacity).toEqual(CAPACITY_PROFILES.small);
    const overridden = configFromContext(
      new App({ context: { capacityProfile: 'seedPeak', capacity: '{"aurora":{"minAcu":4,"maxAcu":32}}' } }),
    );
    expect(overridden.capacity?.aurora).toEqual({ minAcu: 4, maxAcu: 32 });
    expect(() => resolveCapacity('dev', 'huge')).toThrow(/capacityProfile "huge"/);
  });
});
