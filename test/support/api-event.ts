import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** A minimal API Gateway proxy event for handler unit tests. */
export const apiEvent = (overrides: Partial<APIGatewayProxyEvent> & { claims?: Record<string, unknown> } = {}) => {
  const { claims, ...rest } = overrides;
  return {
    resource: '/',
    path: '/',
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', authorizer: claims ? { claims } : null } as never,
    ...rest,
  } as APIGatewayProxyEvent;
};

export const context = { awsRequestId: 'ctx-1', functionName: 'test' } as Context;
