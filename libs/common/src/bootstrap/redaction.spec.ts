import { INTERNAL_TOKEN_HEADER } from '@tessera/auth';
import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from './core.module';

describe('request log redaction', () => {
  it('keeps every credential header and secret field out of the logs', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const secrets = ['Bearer eyJ.jwt.sig', 'tk_live_secret', 'eyJinternal.token.sig', 'session=abc', 'pw', '0xkey'];
    logger.info(
      {
        req: {
          headers: {
            authorization: secrets[0],
            'x-api-key': secrets[1],
            [INTERNAL_TOKEN_HEADER]: secrets[2],
            cookie: secrets[3],
            'x-request-id': 'rid-1',
          },
        },
        config: { password: secrets[4], privateKey: secrets[5] },
      },
      'request completed',
    );
    const out = lines.join('');
    for (const secret of secrets) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('rid-1');
  });
});
