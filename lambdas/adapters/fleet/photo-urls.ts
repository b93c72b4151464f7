import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';

/**
 * A car photo's public URL: `<photos URL>/<object key>`, the photo CDN on AWS (CloudFront in front of the
 * private bucket), the S3 stand-in's bucket URL locally. A string built per key, no signing and no
 * request: the same photo has the same URL in every answer, so browsers and the CDN cache it (a photo's
 * key is never reused: `cars/<carId>/<photoId>.<ext>`, a new photo id per upload).
 */
export type PhotoUrl = (key: string) => string;

export const photoUrlsAt = (base: string): PhotoUrl => {
  const root = base.replace(/\/+$/, '');
  return (key) => `${root}/${key.split('/').map(encodeURIComponent).join('/')}`;
};

let photoUrl: PhotoUrl | undefined;
/** The photos URL is read once per function instance, on first use. */
export const photoUrls = (): PhotoUrl => (photoUrl ??= photoUrlsAt(env.required(ENV.carPhotosUrl)));
