import * as z from './zod';
import { tables, type TableId } from './tables';
import { whole } from './validation';

/**
 * Fail-fast configuration: a function reads exactly the variables it needs, and a missing or malformed one
 * stops the cold start with a message naming it, instead of failing later on a request.
 */
export class ConfigError extends Error {}

const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(`Environment variable ${name} is not set`);
  return value;
};

export const env = {
  required,
  optional: (name: string): string | undefined => process.env[name] || undefined,
  int: (name: string, fallback: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const parsed = z.coerce.number().check(whole()).safeParse(raw);
    if (!parsed.success) throw new ConfigError(`Environment variable ${name} must be an integer, got "${raw}"`);
    return parsed.data;
  },
  flag: (name: string): boolean => process.env[name] === 'true',
};

/** The deployed name of a table, from the variable its definition names. */
export const tableName = (id: TableId): string => required(tables[id].envVar);
