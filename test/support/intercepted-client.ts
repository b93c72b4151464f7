import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../local/standins/aws';

/**
 * A document client of its own on DynamoDB Local whose commands pass `intercept` first (by command
 * name and input): a test makes chosen writes fail there, as DynamoDB or the network would, without
 * touching any other client. `destroy` it after.
 */
export const interceptedClient = (
  endpoint: string,
  intercept: (command: string, input: Record<string, unknown>) => void,
): { raw: DynamoDBClient; db: DynamoDBDocumentClient } => {
  const raw = new DynamoDBClient(clientConfig(endpoint));
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  db.middlewareStack.add(
    (next, context) => async (args) => {
      intercept(context.commandName ?? '', args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'interceptCommands' },
  );
  return { raw, db };
};
