import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let client: DynamoDBDocumentClient | undefined;

/**
 * One document client per function instance, reused across invocations. The endpoint comes from the
 * SDK's standard AWS_ENDPOINT_URL_DYNAMODB when set, which is how the local runtime points it at
 * DynamoDB Local without any branch here.
 */
export const documentClient = (): DynamoDBDocumentClient =>
  (client ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
    marshallOptions: { removeUndefinedValues: true },
  }));
