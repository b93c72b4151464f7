import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { cognitoClient } from '../cognito';
import { CognitoIdentities } from './cognito-identities';

/** Cognito, for the accounts use cases (built on first use from the function's environment). */
let identities: CognitoIdentities | undefined;
export const accountIdentities = () =>
  (identities ??= new CognitoIdentities(cognitoClient(), {
    userPoolId: env.required(ENV.userPoolId),
    clientId: env.required(ENV.userPoolClientId),
  }));
