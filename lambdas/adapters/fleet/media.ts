import type { S3Client } from '@aws-sdk/client-s3';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { onFirstUse } from '../../shared/on-first-use';
import { S3MediaStore } from './media-store';
import { sdkClientConfig } from '../aws-client';

/**
 * Car photos in S3 (its own module: only functions whose capability uses the media bucket reach S3). The
 * bucket is read at once; the S3 SDK, a large client, is loaded on the first photo, not at init.
 */
let media: S3MediaStore | undefined;
const s3Client = onFirstUse(async (): Promise<S3Client> => {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return traced(new S3Client(sdkClientConfig({ forcePathStyle: env.flag(ENV.s3ForcePathStyle) })));
});
export const mediaStore = (): S3MediaStore => (media ??= new S3MediaStore(s3Client, env.required(ENV.carMediaBucket)));
