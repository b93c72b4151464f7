import { S3Client } from '@aws-sdk/client-s3';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { sdkClientConfig } from '../aws-client';
import { S3MediaStore } from './media-store';

/** Car photos in S3 (its own module: only functions whose capability uses the media bucket load S3). */
let media: S3MediaStore | undefined;
export const mediaStore = (): S3MediaStore =>
  (media ??= new S3MediaStore(traced(new S3Client(sdkClientConfig({ forcePathStyle: env.flag(ENV.s3ForcePathStyle) }))), env.required(ENV.carMediaBucket)));
