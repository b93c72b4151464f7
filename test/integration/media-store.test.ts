import { S3MediaStore } from '../../lambdas/adapters/fleet/media-store';
import { photoUrlsAt, type PhotoUrl } from '../../lambdas/adapters/fleet/photo-urls';
import { testMessaging, type TestMessaging } from '../support/aws-services';

// The car-photo store on S3 (fauxqs, or AWS_ENDPOINT_URL's S3) in a bucket of this file's own: what a
// browser does with the URLs it hands out.
let aws: TestMessaging;
let store: S3MediaStore;
/** The bucket's URL as the local runtime gives it for the photo CDN (local/standins/index.ts). */
let photoUrl: PhotoUrl;

beforeAll(async () => {
  aws = await testMessaging();
  const s3 = aws.s3();
  const bucket = await aws.createBucket();
  store = new S3MediaStore(async () => s3, bucket);
  photoUrl = photoUrlsAt(`${aws.s3Endpoint}/${bucket}`);
}, 60_000);

afterAll(async () => {
  await aws?.drop();
});

it('takes an upload to its presigned URL, serves it at its photo URL (unsigned), and deletes it', async () => {
  const key = 'cars/car-1/photo-1.jpg';
  const photo = Buffer.from('not really a jpeg');
  const upload = await store.uploadUrl(key, 'image/jpeg', photo.length);
  // An upload URL alone puts nothing in the bucket: the car lists the photo only once this says so.
  expect(await store.exists(key)).toBe(false);
  const { 'content-length': _length, ...headers } = upload.headers; // fetch sets the length itself, from the body
  expect((await fetch(upload.url, { method: upload.method, headers, body: photo })).status).toBe(200);
  expect(await store.exists(key)).toBe(true);

  const read = await fetch(photoUrl(key));
  expect(read.status).toBe(200);
  expect(Buffer.from(await read.arrayBuffer())).toEqual(photo);

  await store.delete(key);
  expect((await fetch(photoUrl(key))).status).toBe(404);
  expect(await store.exists(key)).toBe(false);
});
