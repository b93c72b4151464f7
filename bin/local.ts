#!/usr/bin/env node
/**
 * `npm start`: the whole API on localhost with no AWS account and no Docker.
 * PORT (default 3000) and LOCAL_DATA_DIR (persist data between runs) configure it; DATABASE_URL,
 * REDIS_URL and AWS_ENDPOINT_URL_* replace a stand-in with a real service (see README).
 */
import '../local/runtime-env';
import './support/quiet-sdk-warnings';
import { DEMO_LOCATIONS } from '../local/fleet/seed-demo-fleet';
import { startLocalRuntime } from '../local/main';

const main = async () => {
  const port = Number(process.env.PORT ?? 3000);
  const runtime = await startLocalRuntime({
    port,
    dataDir: process.env.LOCAL_DATA_DIR || undefined,
    log: (line) => console.log(line),
    accessLog: process.env.ACCESS_LOG !== 'false',
    seedDemoFleet: process.env.SEED_DEMO_FLEET !== 'false',
    perIpLimits: process.env.PER_IP_LIMITS !== 'false',
  });
  const base = runtime.url.replace(/\/v1$/, '');
  console.log(
    [
      '',
      `  Car Rental API is ready in ${(runtime.startupMs / 1000).toFixed(1)} s`,
      `  API            ${runtime.url}   and v2 (times): ${base}/v2`,
      `  Health         ${runtime.url}/health   (deep: ${runtime.url}/health?deep=true)`,
      `  OpenAPI        ${runtime.url}/openapi.json   ${base}/v2/openapi.json`,
      `  API reference  ${base}/docs`,
      `  Mailbox        ${base}/_local/mailbox   (emails the API sent; local only)`,
      '',
      `  Admin          ${runtime.admin.email}   password ${runtime.admin.password}`,
      `                 MFA is on: TOTP secret ${runtime.admin.totpSecret}`,
      `                 Codes: an authenticator app, or node -e "require('otplib').generate({ secret: '${runtime.admin.totpSecret}' }).then(console.log)"`,
      '                 Sign in: POST /v1/users/login, then POST /v1/users/login/mfa with the session and a code.',
      '',
      ...(runtime.demoCars > 0
        ? [
            `  Demo fleet     ${runtime.demoCars} cars at ${DEMO_LOCATIONS.join(', ')}, e.g. ${runtime.url}/cars?location=LAX&startDate=<YYYY-MM-DD>&endDate=<YYYY-MM-DD>`,
            `  Demo pricing   taxes, fees, rates, a season, extras: ${base}/v2/locations/JFK/pricing (and /extras)`,
            '',
          ]
        : []),
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C: do not wait any longer
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
};

main().catch((err: Error) => {
  console.error(`Could not start the local runtime: ${err.message}`);
  process.exit(1);
});
