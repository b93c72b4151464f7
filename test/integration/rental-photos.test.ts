import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoRentalPhotos } from '../../lambdas/adapters/counter/rental-photos';
import type { RentalPhotos } from '../../lambdas/domain/counter/photos';
import { reservationKey } from '../../lambdas/adapters/bookings/reservation-item';
import { testTables, type TestTables } from '../support/aws-services';

// The keys issued for a rental's photos, on DynamoDB Local: in their own item beside the reservation's.
let aws: TestTables;
let photos: RentalPhotos;

beforeAll(async () => {
  aws = await testTables();
  photos = dynamoRentalPhotos(aws.db, aws.names.reservations);
}, 60_000);

afterAll(async () => {
  await aws?.drop();
});

it('records the keys issued per reservation, and reads them back', async () => {
  expect(await photos.issued('res-1')).toEqual(new Set());
  expect(await photos.issue('res-1', 'rentals/res-1/a.jpg', 10)).toBe(true);
  expect(await photos.issue('res-1', 'rentals/res-1/b.png', 10)).toBe(true);
  expect(await photos.issue('res-2', 'rentals/res-2/c.jpg', 10)).toBe(true);
  expect(await photos.issued('res-1')).toEqual(new Set(['rentals/res-1/a.jpg', 'rentals/res-1/b.png']));
  expect(await photos.issued('res-2')).toEqual(new Set(['rentals/res-2/c.jpg']));
  // Not the reservation's own item (no reservation is written by an upload).
  expect((await aws.db.send(new GetCommand({ TableName: aws.names.reservations, Key: reservationKey('res-1') }))).Item).toBeUndefined();
});

it('holds the cap under concurrent uploads', async () => {
  const issued = await Promise.all(Array.from({ length: 12 }, (_, i) => photos.issue('res-3', `rentals/res-3/${i}.jpg`, 5)));
  expect(issued.filter(Boolean)).toHaveLength(5);
  expect((await photos.issued('res-3')).size).toBe(5);
});
