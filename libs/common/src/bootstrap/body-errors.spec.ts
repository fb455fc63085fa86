import type { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorCode } from '../errors/domain-error';
import { bodyErrorMiddleware, refuseUnstorableText } from './body-errors';

const parse = (json: string): unknown => JSON.parse(json, refuseUnstorableText);

/** What the middleware hands on for an error thrown while parsing `json`. */
function handedOn(json: string): unknown {
  let error: unknown;
  try {
    parse(json);
  } catch (e) {
    error = e;
  }
  let next: unknown;
  bodyErrorMiddleware(error, {} as Request, {} as Response, ((e: unknown) => (next = e)) as NextFunction);
  return next;
}

describe('request body text', () => {
  it('keeps well-formed text, including paired surrogates, controls other than U+0000 and odd code points', () => {
    const body = { name: 'ＡＢＣ 👩‍👩‍👧‍👦 \u202e\ufeff\u0001', nested: [{ ключ: '\udbff\udfff' }] };
    expect(parse(JSON.stringify(body))).toEqual(body);
  });

  it.each([
    ['U+0000 in a value', '{"name":"a\\u0000b"}', 'name'],
    ['a lone high surrogate', '{"licence":{"additionalTerms":"\\ud800"}}', 'additionalTerms'],
    ['a lone low surrogate', '{"tags":["x\\udfff"]}', 'JSON strings'],
    ['surrogates in the wrong order', '{"name":"\\udc00\\ud800"}', 'name'],
    ['U+0000 in a member name', '{"metadata":{"a\\u0000":1}}', 'JSON strings'],
  ])('refuses %s as a validation problem naming the member', (_what, json, field) => {
    const next = handedOn(json);
    expect(next).toBeInstanceOf(DomainError);
    expect(next).toMatchObject({
      code: ErrorCode.VALIDATION,
      message: `${field} must be well-formed Unicode without U+0000`,
    });
  });
});
