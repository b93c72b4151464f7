import '../../bin/support/quiet-sdk-warnings';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDynamoDb } from '../../local/standins/dynamodb';
import { startFauxqs } from '../../local/standins/fauxqs';

/**
 * DynamoDB Local and fauxqs behind one endpoint, as LocalStack serves every service on one port: a
 * request whose X-Amz-Target names DynamoDB (or its streams) goes to DynamoDB Local, everything else
 * (SQS, SNS, S3) to fauxqs. It lets the integration suite's AWS_ENDPOINT_URL path run on a machine
 * without Docker:
 *
 *   npx tsx test/support/one-endpoint.ts 4566 &
 *   AWS_ENDPOINT_URL=http://127.0.0.1:4566 npx jest --selectProjects integration
 */
export async function startOneEndpoint(port = 0): Promise<{ url: string; stop(): Promise<void> }> {
  const [dynamo, fauxqs] = await Promise.all([startDynamoDb(), startFauxqs()]);
  const server: Server = createServer((req, res) => {
    const target = new URL(/^DynamoDB/.test(String(req.headers['x-amz-target'] ?? '')) ? dynamo.endpoint : fauxqs.sqsEndpoint);
    const upstream = request(
      // A connection per request: a kept-alive upstream socket the stand-in has closed would hang up mid-request.
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([dynamo.stop(), fauxqs.stop()]);
  };
  return { url, stop };
}

if (require.main === module) {
  startOneEndpoint(Number(process.argv[2] ?? 4566)).then(
    ({ url, stop }) => {
      console.log(`DynamoDB Local and fauxqs on ${url} (Ctrl-C stops)`);
      // Ctrl-C ends the stand-ins too; the process exits once they have.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
    },
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
