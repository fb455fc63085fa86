import { type ArgumentsHost, Body, Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import { InvalidEventError } from '@tessera/events';
import { lastValueFrom } from 'rxjs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IsString, Length } from 'class-validator';
import request from 'supertest';
import { QueryFailedError } from 'typeorm';
import { applyHttpDefaults } from '../bootstrap/bootstrap';
import { IsBigIntString, Optional, ValidateNestedType, ValidateUUID } from '../validation';
import { DomainError } from './domain-error';
import { ProblemDetailsFilter, UNKNOWN_ERROR_ATTEMPTS } from './problem-details.filter';

class RowDto {
  @IsString()
  @Length(1, 10)
  name!: string;
}

class MetadataDto {
  @ValidateNestedType(() => RowDto, { each: true })
  rows!: RowDto[];
}

class CreateDto {
  @ValidateUUID()
  ownerId!: string;

  @IsBigIntString()
  price!: string;

  @ValidateNestedType(() => MetadataDto)
  metadata!: MetadataDto;

  @Optional()
  @IsString()
  note?: string;
}

@Controller('t')
class TestController {
  @Post()
  create(@Body() body: CreateDto): { ok: boolean; priceIsString: boolean } {
    return { ok: true, priceIsString: typeof body.price === 'string' };
  }

  @Get('missing')
  missing(): never {
    throw DomainError.notFound('Resource');
  }

  @Get('duplicate')
  duplicate(): never {
    throw new QueryFailedError('INSERT INTO catalog.resource', [], Object.assign(new Error('dup'), { code: '23505' }));
  }

  @Get('restarting')
  restarting(): never {
    throw new Error('Connection terminated unexpectedly');
  }

  @Get('boom')
  boom(): never {
    throw new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2');
  }
}

@Module({ controllers: [TestController] })
class TestModule {}

describe('HTTP error handling', () => {
  let app: INestApplication;
  const valid = {
    ownerId: '5f0c8f5e-4a43-4c8b-9f57-2b1c1d7a9e10',
    price: '1000000000000000000000',
    metadata: { rows: [{ name: 'a' }] },
  };

  beforeAll(async () => {
    const nest = await NestFactory.create<NestExpressApplication>(TestModule, { bodyParser: false, logger: false });
    applyHttpDefaults(nest, { bodyLimit: '1kb' });
    app = await nest.init();
  });

  afterAll(() => app.close());

  const server = () => app.getHttpServer() as Parameters<typeof request>[0];

  it('accepts a valid body and echoes a request id', async () => {
    const res = await request(server()).post('/t').set('x-request-id', 'req-123').send(valid).expect(201);
    expect(res.body).toEqual({ ok: true, priceIsString: true });
    expect(res.headers['x-request-id']).toBe('req-123');
  });

  it('answers validation failures with 400 problem+json and nested field paths', async () => {
    const res = await request(server())
      .post('/t')
      .set('x-request-id', 'req-456')
      .send({ ...valid, price: '-5', metadata: { rows: 'nope' }, extra: 1 })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request', code: 'VALIDATION', requestId: 'req-456' });
    const fields = (res.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['price', 'metadata.rows', 'extra']));
  });

  it('reports errors inside nested arrays by index', async () => {
    const res = await request(server())
      .post('/t')
      .send({ ...valid, metadata: { rows: [{ name: 'ok' }, { name: '' }] } })
      .expect(400);
    expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['metadata.rows.1.name']);
  });

  it('answers malformed JSON with 400 and a fixed message', async () => {
    const res = await request(server())
      .post('/t')
      .set('content-type', 'application/json')
      .send('{"ownerId": ')
      .expect(400);
    expect(res.body).toMatchObject({ status: 400, detail: 'Malformed JSON body' });
  });

  it('answers an oversized body with 413', async () => {
    const res = await request(server())
      .post('/t')
      .send({ ...valid, note: 'x'.repeat(4096) })
      .expect(413);
    expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('maps domain errors and unique violations', async () => {
    await request(server())
      .get('/t/missing')
      .expect(404, /Resource not found/);
    const dup = await request(server()).get('/t/duplicate').expect(409);
    expect(dup.body).toMatchObject({ code: 'CONFLICT' });
  });

  it('answers unknown errors with 500 and leaks nothing', async () => {
    const res = await request(server()).get('/t/boom').expect(500);
    expect(res.body).toMatchObject({ status: 500, detail: 'Internal server error' });
    expect(res.text).not.toMatch(/hunter2|ECONNREFUSED|10\.1\.2\.3/);
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('answers a lost database connection with 503 and Retry-After, other errors without it', async () => {
    const res = await request(server()).get('/t/restarting').expect(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    const missing = await request(server()).get('/t/missing').expect(404);
    expect(missing.headers['retry-after']).toBeUndefined();
  });

  it('answers unknown routes with 404 problem+json', async () => {
    const res = await request(server()).get('/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('Kafka handler error handling', () => {
  const filter = new ProblemDetailsFilter();
  let offset = 0;

  /** One delivery of the event at `at` failing with `error`: 'retried' when Kafka will deliver it again. */
  function deliver(error: unknown, at: number): Promise<'retried' | 'skipped'> {
    const message = { offset: String(at), key: null, value: null, timestamp: '0', attributes: 0, headers: {} };
    const context = new KafkaContext([message, 0, 'chain.purchase.confirmed.v1', undefined!, undefined!, undefined!]);
    const host = {
      getType: () => 'rpc',
      switchToRpc: () => ({ getContext: () => context }),
    } as unknown as ArgumentsHost;
    return lastValueFrom(filter.catch(error, host)!).then(
      () => 'skipped',
      (thrown: unknown) => {
        expect(thrown).toBeInstanceOf(KafkaRetriableException);
        return 'retried';
      },
    );
  }

  it('retries a lost database connection however often it fails', async () => {
    const at = ++offset;
    for (let i = 0; i < 3 * UNKNOWN_ERROR_ATTEMPTS; i++) {
      await expect(deliver(new Error('Connection terminated unexpectedly'), at)).resolves.toBe('retried');
    }
  });

  it('skips an invalid payload, a domain refusal or a constraint violation at once', async () => {
    await expect(deliver(new InvalidEventError('t', [{ field: 'x', message: 'bad' }]), ++offset)).resolves.toBe(
      'skipped',
    );
    await expect(deliver(DomainError.conflict('already settled'), ++offset)).resolves.toBe('skipped');
    const duplicate = new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: '23505' }));
    await expect(deliver(duplicate, ++offset)).resolves.toBe('skipped');
  });

  it(`retries an unclassified error ${UNKNOWN_ERROR_ATTEMPTS - 1} times, then skips that event only`, async () => {
    const at = ++offset;
    const other = ++offset;
    for (let i = 1; i < UNKNOWN_ERROR_ATTEMPTS; i++) {
      await expect(deliver(new Error('pool is draining'), at)).resolves.toBe('retried');
    }
    await expect(deliver(new Error('pool is draining'), other)).resolves.toBe('retried');
    await expect(deliver(new Error('pool is draining'), at)).resolves.toBe('skipped');
    // Its count is forgotten: a later failure of the same event starts over.
    await expect(deliver(new Error('pool is draining'), at)).resolves.toBe('retried');
  });
});
