import { redisClient } from '../redis';
import { RedisLoginAttempts } from './redis-login-attempts';

/** Failed sign-in counters in Redis. */
let attempts: RedisLoginAttempts | undefined;
export const loginAttempts = () => (attempts ??= new RedisLoginAttempts(redisClient));
