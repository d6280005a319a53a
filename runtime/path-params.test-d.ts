import { describe, expectTypeOf, test } from 'vitest';
import type { PathParamNames, PathParams } from './path-params.js';

describe('PathParams', () => {
  test('one param', () => {
    expectTypeOf<PathParams<'/users/{id}'>>().toEqualTypeOf<{ id: string }>();
  });

  test('tail regex param', () => {
    expectTypeOf<PathParams<'/files/{path:.+}'>>().toEqualTypeOf<{ path: string }>();
  });

  test('several params', () => {
    expectTypeOf<PathParams<'/x/{a}/y/{b}'>>().toEqualTypeOf<{ a: string; b: string }>();
  });

  test('no params gives an object without keys', () => {
    expectTypeOf<PathParamNames<'/about/team'>>().toEqualTypeOf<never>();
    expectTypeOf<PathParams<'/about/team'>>().toEqualTypeOf<{}>();
    // @ts-expect-error no such param
    ((p: PathParams<'/about'>) => p.id)({});
  });

  test('a path only known as string gives a string record', () => {
    expectTypeOf<PathParams<string>>().toEqualTypeOf<Record<string, string>>();
  });

  test('regexes containing braces', () => {
    expectTypeOf<PathParams<'/c/{id:\\d{3}}'>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<PathParams<'/c/{id:\\d{3}}/{rest:[a-z]{2,4}(?:x{1})?}'>>().toEqualTypeOf<{ id: string; rest: string }>();
    expectTypeOf<PathParams<'/c/{id:\\d{3}}-{n}/z'>>().toEqualTypeOf<{ id: string; n: string }>();
  });

  test('mixed segments', () => {
    expectTypeOf<PathParams<'/v{version}/ping'>>().toEqualTypeOf<{ version: string }>();
    expectTypeOf<PathParams<'/img/{name}.{ext}'>>().toEqualTypeOf<{ name: string; ext: string }>();
  });

  test('regex with a colon and a slash', () => {
    expectTypeOf<PathParams<'/t/{at:\\d+:\\d+}/{p:a/b}'>>().toEqualTypeOf<{ at: string; p: string }>();
  });

  test('wrong keys are rejected', () => {
    expectTypeOf<PathParams<'/users/{id}'>>().not.toEqualTypeOf<{ userId: string }>();
    // @ts-expect-error `name` is not a param of this path
    ((p: PathParams<'/users/{id}'>) => p.name)({ id: '1' });
  });

  test('many params stay within the recursion limit', () => {
    type Many = '/{a0}/{a1}/{a2}/{a3}/{a4}/{a5}/{a6}/{a7}/{a8}/{a9}/{b0:\\d{1}}/{b1:\\d{1}}/{b2:\\d{1}}/{b3:\\d{1}}/{b4:\\d{1}}/{b5}/{b6}/{b7}/{b8}/{b9}';
    expectTypeOf<keyof PathParams<Many>>().toEqualTypeOf<
      'a0' | 'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'a6' | 'a7' | 'a8' | 'a9' | 'b0' | 'b1' | 'b2' | 'b3' | 'b4' | 'b5' | 'b6' | 'b7' | 'b8' | 'b9'
    >();
  });
});
