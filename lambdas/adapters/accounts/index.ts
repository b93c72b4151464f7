import { documentClient } from '../dynamodb';
import { cognitoClient } from '../cognito';
import { redisClient } from '../redis';
import { env, tableName } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { CognitoIdentities } from './cognito-identities';
import { DynamoProfileStore } from './dynamo-profile-store';
import { RedisLoginAttempts } from './redis-login-attempts';

/**
 * The accounts adapters, built on first use: each function reads only the configuration its
 * capability is given (a profile function has no user pool id, and needs none).
 */
let identities: CognitoIdentities | undefined;
let profiles: DynamoProfileStore | undefined;
let attempts: RedisLoginAttempts | undefined;

export const accountIdentities = () =>
  (identities ??= new CognitoIdentities(cognitoClient(), {
    userPoolId: env.required(ENV.userPoolId),
    clientId: env.required(ENV.userPoolClientId),
  }));

export const accountProfiles = () => (profiles ??= new DynamoProfileStore(documentClient(), tableName('users')));

export const loginAttempts = () => (attempts ??= new RedisLoginAttempts(redisClient));
