import { encodeCommand, parseReply, ReplyError } from '../../../lambdas/adapters/resp-client';

/** The RESP2 reader and writer of the Lambda Redis client: replies may arrive split anywhere. */
describe('RESP protocol', () => {
  const reply = (text: string) => parseReply(Buffer.from(text), 0);

  it('reads each reply type', () => {
    expect(reply('+OK\r\n')).toEqual({ value: 'OK', next: 5 });
    expect(reply(':42\r\n')?.value).toBe(42);
    expect(reply('$-1\r\n')?.value).toBeNull();
    expect(reply('*-1\r\n')?.value).toBeNull();
    expect(reply('$4\r\nhé!\r\n')?.value).toBe('hé!'); // the length counts bytes, not characters
    expect(reply('*3\r\n+QUEUED\r\n:1\r\n$1\r\nx\r\n')?.value).toEqual(['QUEUED', 1, 'x']);
    const error = reply('-WRONGTYPE Operation against a key\r\n')?.value;
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as Error).message).toBe('WRONGTYPE Operation against a key');
  });

  it('waits for the rest of a reply split at any byte', () => {
    const whole = Buffer.from('*2\r\n$6\r\nab\r\ncd\r\n:7\r\n+NEXT\r\n');
    for (let cut = 0; cut < 20; cut++) expect(parseReply(whole.subarray(0, cut), 0)).toBeUndefined();
    const first = parseReply(whole, 0)!;
    expect(first.value).toEqual(['ab\r\ncd', 7]); // a bulk string may hold CRLF
    expect(parseReply(whole, first.next)?.value).toBe('NEXT');
  });

  it('refuses a byte that starts no reply', () => {
    expect(() => reply('?\r\n')).toThrow('protocol error');
  });

  it('writes commands as arrays of bulk strings, lengths in bytes', () => {
    expect(encodeCommand(['SET', 'k', 'é', 'EX', 5])).toBe('*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n$2\r\nEX\r\n$1\r\n5\r\n');
  });
});
