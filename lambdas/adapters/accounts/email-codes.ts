import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { DynamoEmailCodes } from './dynamo-email-codes';

/** Email verification codes in the users table. */
let codes: DynamoEmailCodes | undefined;
export const emailCodes = () => (codes ??= new DynamoEmailCodes(documentClient(), tableName('users')));
