import type { S3Client } from '@aws-sdk/client-s3';
import { PHOTO_UPLOAD_TTL_SECONDS, type PhotoContentType } from '../../domain/fleet/catalog';
import type { MediaStore, PresignedUpload } from '../../domain/fleet/ports';
import { clock } from '../../shared/clock';

/**
 * Car photos in S3, uploaded by clients through presigned PUTs (read through the photo CDN, not here:
 * ./photo-urls.ts). An upload URL signs the content type and exact length, so S3 refuses a different
 * type or size than the one allowed.
 */
export class S3MediaStore implements MediaStore {
  /** The S3 client is built on first use (a car without photos needs none), the SDK imported with it. */
  constructor(
    private readonly s3: () => Promise<S3Client>,
    private readonly bucket: string,
  ) {}

  private sdk() {
    return Promise.all([this.s3(), import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
  }

  async uploadUrl(key: string, contentType: PhotoContentType, contentLength: number): Promise<PresignedUpload> {
    const [s3, { PutObjectCommand }, { getSignedUrl }] = await this.sdk();
    const url = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: contentLength }),
      { expiresIn: PHOTO_UPLOAD_TTL_SECONDS, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(contentLength) },
      expiresAt: new Date(clock.now().getTime() + PHOTO_UPLOAD_TTL_SECONDS * 1000).toISOString(),
    };
  }

  async exists(key: string): Promise<boolean> {
    const [s3, { HeadObjectCommand }] = await this.sdk();
    try {
      await s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      // A HEAD has no body: a missing object is a bare 404, or, for a role without s3:ListBucket (ours
      // hold only s3:GetObject on the photo keys), a 403 that does not say whether the key exists.
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || status === 403) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const [s3, { DeleteObjectCommand }] = await this.sdk();
    await s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
