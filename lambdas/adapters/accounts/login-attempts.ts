import type { LoginAttempts } from '../../domain/accounts/ports';
import { redisClient } from '../redis';
import { LayeredLoginAttempts } from './layered-login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';
import { RedisLoginAttempts } from './redis-login-attempts';

/** Sign-in attempt counters: in Redis, and in this instance's memory for when Redis is not there. */
let attempts: LoginAttempts | undefined;
export const loginAttempts = () => (attempts ??= new LayeredLoginAttempts(new MemoryLoginAttempts(), new RedisLoginAttempts(redisClient)));
