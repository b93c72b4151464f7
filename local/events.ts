import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { RouteDefinition } from '../lambdas/api/route';
import { API_STAGE, type ApiVersion } from '../lambdas/api/routes';
import { LOCAL_REGION } from './standins/aws';

/** Builds the event API Gateway's Lambda proxy integration sends, so handlers run unchanged. */
export const apiGatewayEvent = (args: {
  route: RouteDefinition;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string | null;
  sourceIp: string;
  claims?: Record<string, unknown>;
  /** API Gateway's request id (the local server makes one per request, for its own log and 502s too). */
  requestId?: string;
  /** The stage (API version) the request came through; v1 by default. */
  stage?: ApiVersion;
}): APIGatewayProxyEvent => {
  const requestId = args.requestId ?? randomUUID();
  // Null-prototype maps: `?__proto__=1` or `?constructor=x` are ordinary keys, as they are in AWS.
  const query = Object.create(null) as Record<string, string>;
  const multi = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of args.query) {
    query[k] = v; // API Gateway keeps the last value of a repeated parameter here
    (multi[k] ??= []).push(v);
  }
  const hasQuery = Object.keys(query).length > 0;
  const hasParams = Object.keys(args.params).length > 0;
  return {
    resource: args.route.path,
    path: args.path,
    httpMethod: args.method,
    headers: args.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(args.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: hasParams ? args.params : null,
    stageVariables: null,
    body: args.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: args.claims ? { claims: args.claims } : null,
      protocol: 'HTTP/1.1',
      httpMethod: args.method,
      identity: { sourceIp: args.sourceIp, userAgent: args.headers['user-agent'] ?? null } as never,
      path: `/${args.stage ?? API_STAGE}${args.path}`,
      stage: args.stage ?? API_STAGE,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: args.route.path,
    },
  };
};

export const lambdaContext = (functionName: string, timeoutSeconds = 10): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** An SQS event record as Lambda's event source mapping delivers it. */
export const sqsEvent = (
  queueArn: string,
  messages: Array<{ MessageId?: string; ReceiptHandle?: string; Body?: string; Attributes?: Record<string, string> }>,
): SQSEvent => ({
  Records: messages.map((m): SQSRecord => ({
    messageId: m.MessageId ?? randomUUID(),
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      ...m.Attributes,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: process.env.AWS_REGION ?? LOCAL_REGION,
  })),
});
