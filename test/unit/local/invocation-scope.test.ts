import { lambdaContext } from '../../../local/events';
import { loadHandler } from '../../../local/handlers';

// The local runtime runs every function in one process: two overlapping invocations must not share the
// logger's Lambda context and correlation id, or an error is logged under the other request's id.
const lines: string[] = [];
beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO'; // read when the handler module builds its logger
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = chunk.toString();
      if (text.startsWith('{')) lines.push(...text.trim().split('\n'));
      return true;
    });
  }
});
afterAll(() => jest.restoreAllMocks());

const gate = () => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};

it('two concurrent invocations: every log line carries its own request id', async () => {
  const handler = await loadHandler('test/unit/local/fixtures/overlapping-handler.ts');
  const [a, b] = [gate(), gate()];
  const contexts = { a: lambdaContext('health'), b: lambdaContext('health') };
  const first = handler({ name: 'a', gate: a.promise }, contexts.a);
  const second = handler({ name: 'b', gate: b.promise }, contexts.b);
  await new Promise((r) => setImmediate(r)); // both have logged 'started' and wait
  a.open(); // a logs 'failed' while b is still running
  await first;
  b.open();
  await second;

  const logged = lines.map((l) => JSON.parse(l) as Record<string, string>).filter((l) => l.invocation);
  expect(logged.map((l) => `${l.invocation} ${l.message}`).sort()).toEqual(['a failed', 'a started', 'b failed', 'b started']);
  for (const line of logged) {
    const requestId = contexts[line.invocation as 'a' | 'b'].awsRequestId;
    expect({ message: line.message, function_request_id: line.function_request_id, correlation_id: line.correlation_id }).toEqual({
      message: line.message,
      function_request_id: requestId,
      correlation_id: requestId,
    });
  }
});
