/**
 * The typed client against a running API (`npm start`, or API_URL=<…/v1>):
 *   npx tsx clients/typescript/example.ts
 * Lists the locations, finds the three cheapest cars at the busiest one for three days next week, reads
 * the first one's details, then registers a customer and reads their profile with the token.
 * Every path, parameter and body below is checked by the compiler against the OpenAPI document.
 */
import { createCarRentalClient } from './src';

const baseUrl = process.env.API_URL ?? 'http://localhost:3000/v1';
const day = (fromToday: number) => new Date(Date.now() + fromToday * 86_400_000).toISOString().slice(0, 10);

/** `data`, or the API's `{ error: { code, message } }` as an exception. */
const ok = <T>({ data, error, response }: { data?: T; error?: unknown; response: Response }): T => {
  if (data === undefined) throw new Error(`${response.status} ${response.url}: ${JSON.stringify(error)}`);
  return data;
};

const main = async () => {
  const api = createCarRentalClient({ baseUrl });

  const { locations } = ok(await api.GET('/locations'));
  const busiest = [...locations].sort((a, b) => b.activeCars - a.activeCars)[0];
  console.log(
    `locations with cars: ${locations
      .filter((l) => l.activeCars > 0)
      .map((l) => `${l.code} (${l.activeCars})`)
      .join(', ')}`,
  );

  const { cars } = ok(
    await api.GET('/cars', { params: { query: { location: busiest.code, startDate: day(7), endDate: day(10), sort: 'price', limit: 3 } } }),
  );
  for (const car of cars) console.log(`${car.carId}  ${car.make} ${car.model} (${car.type})  ${car.rentalPricePerDay}/day`);
  if (cars[0]) {
    const car = ok(await api.GET('/cars/{carId}', { params: { path: { carId: cars[0].carId } } }));
    console.log(
      `details: ${car.make} ${car.model} ${car.year}, ${car.photos.length} photos, rating ${car.rating.average ?? '-'} (${car.rating.count})`,
    );
  }

  const email = `example-${Date.now()}@example.com`;
  const password = 'Sup3r-secret!';
  ok(await api.POST('/users/register', { body: { name: 'Example', email, password, phoneNumber: '+14155550123', address: '1 Main St' } }));
  const session = ok(await api.POST('/users/login', { body: { email, password } }));
  if (!('token' in session)) throw new Error('a new customer has no MFA: expected tokens');
  const me = ok(await createCarRentalClient({ baseUrl, token: session.token }).GET('/users/me'));
  console.log(`signed in as ${me.email} (${me.role}), email verified: ${me.emailVerified}`);
};

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
