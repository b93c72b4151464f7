/**
 * Names of the environment variables that carry deployed resources into functions. The CDK function
 * construct sets them, the local runtime sets them, and `config.ts` reads them: one list for all three.
 * (Table and queue names use each definition's `envVar`.)
 */
export const ENV = {
  stage: 'STAGE',
  /**
   * What the function's capability needs from its environment, set by the stack from `uses`
   * (capabilities/environment.ts): `A|B,C` means (A or B) and C. Checked at cold start.
   */
  requiredEnvironment: 'REQUIRED_ENVIRONMENT',
  appVersion: 'APP_VERSION',
  /** Minutes a Pending reservation holds its car for payment (optional, 5 by default). */
  holdMinutes: 'HOLD_MINUTES',
  /** Booking limits per customer (optional; defaults in domain/bookings/limits.ts). */
  maxLiveHolds: 'BOOKING_MAX_LIVE_HOLDS',
  maxOverlappingBookings: 'BOOKING_MAX_OVERLAPPING',
  bookingHorizonDays: 'BOOKING_HORIZON_DAYS',
  maxRentalDays: 'BOOKING_MAX_RENTAL_DAYS',
  /** SNS topic the booking life-cycle events are published to. */
  notificationsTopicArn: 'NOTIFICATIONS_TOPIC_ARN',
  /** Sender address of customer emails (an SES-verified identity); emails are skipped when unset. */
  emailSender: 'EMAIL_SENDER',
  carMediaBucket: 'CAR_MEDIA_BUCKET',
  /**
   * Where car photos are read: `<this>/<object key>` is a photo's public URL. On AWS the photo CDN
   * (`https://<distribution domain>`), locally the S3 stand-in's bucket URL.
   */
  carPhotosUrl: 'CAR_PHOTOS_URL',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** Full connection URL (redis:// or rediss://); wins over host/port/secret when set. */
  redisUrl: 'REDIS_URL',
  /** Prefix for every key, so several runtimes can share one Redis without reading each other's data. */
  redisKeyPrefix: 'REDIS_KEY_PREFIX',
  redisHost: 'REDIS_HOST',
  redisPort: 'REDIS_PORT',
  /** Secrets Manager ARN of the ElastiCache AUTH token (secret string is the token). */
  redisAuthSecretArn: 'REDIS_AUTH_SECRET_ARN',
  /** Full PostgreSQL URL; wins over the proxy endpoint and secret when set. */
  databaseUrl: 'DATABASE_URL',
  dbProxyEndpoint: 'DB_PROXY_ENDPOINT',
  /** Secrets Manager ARN of the Aurora credentials (JSON with username and password). */
  dbSecretArn: 'DB_SECRET_ARN',
  dbName: 'DB_NAME',
  /** PostgreSQL schema the payment tables live in (tests use one per run); `public` when unset. */
  dbSchema: 'DB_SCHEMA',
  /** `sandbox` (no money moves; the local runtime's default) or `live` (Stripe and PayPal). */
  paymentGatewayMode: 'PAYMENT_GATEWAY_MODE',
  /** Secrets Manager ARN of the gateways' credentials (JSON: stripeSecretKey, paypalClientId, paypalClientSecret). */
  paymentGatewaySecretArn: 'PAYMENT_GATEWAY_SECRET_ARN',
  /** Secrets Manager ARN of the key that seals list cursors (AWS). */
  cursorKeySecretArn: 'CURSOR_KEY_SECRET_ARN',
  /** The cursor-sealing key itself (local runtime: generated at start); wins over the secret. */
  cursorKey: 'CURSOR_KEY',
  /** `true` for S3 stand-ins that only speak path-style URLs. */
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  /** Check handler responses against the route table's schemas (local runtime and tests). */
  validateResponses: 'VALIDATE_RESPONSES',
} as const;
