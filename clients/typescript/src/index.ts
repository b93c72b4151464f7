/**
 * A typed client of the Car Rental API: openapi-fetch over the types generated from the OpenAPI
 * document (schema.ts), so every path, parameter, body and answer is checked by the TypeScript compiler.
 *
 *   const api = createCarRentalClient({ baseUrl: 'http://localhost:3000/v1' });
 *   const { data, error } = await api.GET('/cars', { params: { query: { location: 'LAX', startDate, endDate } } });
 *
 * `data` is the success body and `error` the `{ error: { code, message, details? } }` body of a failure.
 */
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type CarRentalClient = Client<paths>;

export interface CarRentalClientOptions extends ClientOptions {
  /** The API's base URL, ending in the stage: `http://localhost:3000/v1` for `npm start`. */
  baseUrl: string;
  /** The ID token from sign-in, sent as `Authorization: Bearer …`; a function is asked before each request. */
  token?: string | (() => string | undefined);
}

export const createCarRentalClient = ({ token, ...options }: CarRentalClientOptions): CarRentalClient => {
  const client = createClient<paths>(options);
  if (token !== undefined) client.use(bearer(token));
  return client;
};

/** Adds the bearer token to every request that does not carry an Authorization header of its own. */
const bearer = (token: string | (() => string | undefined)): Middleware => ({
  onRequest({ request }) {
    const value = typeof token === 'function' ? token() : token;
    if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
    return request;
  },
});
