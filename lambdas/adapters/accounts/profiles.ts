import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { DynamoProfileStore } from './dynamo-profile-store';

/** Profiles in the users table. */
let profiles: DynamoProfileStore | undefined;
export const accountProfiles = () => (profiles ??= new DynamoProfileStore(documentClient(), tableName('users')));
