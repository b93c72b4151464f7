// Runs cognito-local in a child Node process (its TOTP library pulls in ESM-only code that CommonJS
// under jest cannot load). This is cognito-local's createDefaultServer, changed to keep its data in
// COGNITO_DATA_DIR (its default is `.cognito` in the cwd), listen on a free port on 127.0.0.1, issue
// tokens for that address, stay quiet, put email_verified in ID tokens as Cognito does, and report delivered codes as JSON lines instead of printing
// boxes, and with its router wrapped by cognito-guard.cjs (sessions, TOTP reuse, write attributes
// checked as Cognito does). Protocol: see runner.ts.
const { DefaultConfig } = require('cognito-local/lib/server/config');
const { createServer } = require('cognito-local/lib/server');
const { Router } = require('cognito-local/lib/server/Router');
const { guardedRouter } = require('./cognito-guard.cjs');
const { DateClock, LambdaService, MessagesService, TriggersService } = require('cognito-local/lib/services');
const { CognitoServiceFactoryImpl } = require('cognito-local/lib/services/cognitoService');
const { CryptoService } = require('cognito-local/lib/services/crypto');
const { StormDBDataStoreFactory } = require('cognito-local/lib/services/dataStore/stormDb');
const { MessageDeliveryService } = require('cognito-local/lib/services/messageDelivery/messageDelivery');
const { otp } = require('cognito-local/lib/services/otp');
const { JwtTokenGenerator } = require('cognito-local/lib/services/tokenGenerator');
const { UserPoolServiceFactoryImpl } = require('cognito-local/lib/services/userPoolService');
// cognito-local's own pino: its HTTP logging middleware needs the real API.
const pino = require(require.resolve('pino', { paths: [require.resolve('cognito-local')] }));

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/**
 * cognito-local writes Boolean(attribute) into the ID token's email_verified, so "false" came out as
 * true and an unverified email looked verified (issue 10). Cognito says false: without the attribute,
 * cognito-local does too.
 */
class TruthfulTokenGenerator extends JwtTokenGenerator {
  generate(ctx, user, ...rest) {
    const attributes = (user.Attributes ?? []).filter((a) => a.Name !== 'email_verified' || a.Value === 'true');
    return super.generate(ctx, { ...user, Attributes: attributes }, ...rest);
  }
}

async function main() {
  const dataDir = process.env.COGNITO_DATA_DIR;
  if (!dataDir) throw new Error('COGNITO_DATA_DIR is required');
  const logger = pino({ level: 'silent' });
  const ctx = { logger };
  const config = { ...DefaultConfig, TokenConfig: { IssuerDomain: '' }, ServerConfig: { port: 0, hostname: '127.0.0.1' } };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    dataDir,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  // No trigger functions are configured, so the Lambda client is never called.
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService(config.TriggerFunctions, null),
    new CryptoService(config.KMSConfig),
  );
  const recordCode = async (_ctx, _user, destination, message) => {
    if (message.__code) send({ code: message.__code, destination });
  };
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService({ sendEmail: recordCode, sendSms: recordCode })),
    otp,
    tokenGenerator: new TruthfulTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server = await createServer(guardedRouter(Router(services), services), logger, config.ServerConfig, services).start();
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  // The token generator reads IssuerDomain when it signs, so it can be set once the port is known.
  config.TokenConfig.IssuerDomain = endpoint;
  send({ endpoint });

  const shutdown = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
