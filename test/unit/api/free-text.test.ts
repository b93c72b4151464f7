import { isFreeText } from '../../../lambdas/api/fields';
import type { RouteDefinition } from '../../../lambdas/api/route';
import { routeList } from '../../../lambdas/api/routes';
import { parseRequest } from '../../../lambdas/http/request';
import { AppError, type FieldIssue } from '../../../lambdas/shared/errors';
import type * as z from '../../../lambdas/shared/zod';
import { apiEvent } from '../../support/api-event';

/**
 * Every free-text field of every request follows the one text rule of lambdas/api/fields.ts. The fields
 * are found by walking the route table's schemas, so a new field is covered (or, when it is a plain
 * string that is not free text, must be named below as opaque).
 */
type Part = 'params' | 'query' | 'body';
type Def = {
  type: string;
  shape?: Record<string, z.ZodMiniType>;
  innerType?: z.ZodMiniType;
  element?: z.ZodMiniType;
  in?: z.ZodMiniType;
  options?: z.ZodMiniType[];
  valueType?: z.ZodMiniType;
  format?: string;
  checks?: Array<{ _zod: { def: { check: string; format?: string } } }>;
};
const defOf = (schema: z.ZodMiniType) => schema._zod.def as unknown as Def;

/** Every string in a schema, with its path (an array's item is `.0`). */
const strings = (schema: z.ZodMiniType, path: string[] = []): Array<{ path: string[]; schema: z.ZodMiniType }> => {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape!).flatMap(([name, field]) => strings(field, [...path, name]));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return strings(def.innerType!, path);
    case 'array':
      return strings(def.element!, [...path, '0']);
    case 'pipe':
      return strings(def.in!, path);
    case 'union':
      return def.options!.flatMap((option) => strings(option, path));
    case 'string':
      return [{ path, schema }];
    default:
      return [];
  }
};

/** A string with a shape of its own (email, uuid, date, pattern) is no free text. */
const structured = (schema: z.ZodMiniType) =>
  Boolean(defOf(schema).format) || (defOf(schema).checks ?? []).some((c) => c._zod.def.check === 'string_format');
/** Plain strings that are not text a person writes: secrets, tokens and cursors kept byte for byte, and ids. */
const OPAQUE = new Set(['password', 'session', 'refreshToken', 'cursor', 'userId', 'paymentMethod']);

const fields = routeList.flatMap((route) =>
  (['params', 'query', 'body'] as const).flatMap((part) => {
    const schema = route.request[part];
    return schema ? strings(schema).map((s) => ({ route, part, ...s, name: `${route.operationId} ${part}.${s.path.join('.')}` })) : [];
  }),
);
const freeTextFields = fields.filter((f) => isFreeText(f.schema));

/** The value at `path` (an array index makes an array). */
const nest = (path: string[], value: unknown): unknown =>
  path.length === 0 ? value : path[0] === '0' ? [nest(path.slice(1), value)] : { [path[0]]: nest(path.slice(1), value) };

const parse = (route: RouteDefinition, part: Part, path: string[], value: string) => {
  const input = nest(path, value) as Record<string, string>;
  const event = apiEvent({
    ...(part === 'params' ? { pathParameters: input } : {}),
    ...(part === 'query' ? { queryStringParameters: input } : {}),
    ...(part === 'body' ? { body: JSON.stringify(input), headers: { 'content-type': 'application/json' } } : {}),
  });
  try {
    return { input: parseRequest(route, event) as Record<Part, unknown>, issues: [] as FieldIssue[] };
  } catch (err) {
    if (err instanceof AppError && err.kind === 'VALIDATION')
      return { input: undefined, issues: (err.details as { fields: FieldIssue[] }).fields };
    throw err;
  }
};

const BAD = {
  'NUL (U+0000)': '\u0000',
  'NEL (U+0085)': '\u0085',
  'CSI (U+009B)': '\u009b',
  'RLO (U+202E)': '\u202e',
  'LRI (U+2066)': '\u2066',
  'ESC (U+001B)': '\u001b',
};

describe('free text in requests', () => {
  it('finds the free-text fields, and every other plain string is opaque by name', () => {
    const names = freeTextFields.map((f) => f.name);
    for (const expected of [
      'registerUser body.name',
      'registerUser body.address',
      'updateMyProfile body.name',
      'createCar body.make',
      'createCar body.features.0',
      'addCarBlock body.reason',
      'refundPayment body.reason',
      'submitFeedback body.comments',
      'hideFeedback body.reason',
    ])
      expect(names).toContain(expected);
    const unclassified = fields.filter((f) => !isFreeText(f.schema) && !structured(f.schema) && !OPAQUE.has(f.path[f.path.length - 1]));
    expect(unclassified.map((f) => f.name)).toEqual([]);
  });

  const cases = freeTextFields.flatMap((f) => Object.entries(BAD).map(([what, c]) => [f.name, what, f, c] as const));
  it.each(cases)('%s with %s is a 400 naming the field', (_name, _what, f, c) => {
    const field = `${f.part}.${f.path.join('.')}`;
    const { issues } = parse(f.route, f.part, f.path, `Fine ${c}text`);
    expect(issues.find((i) => i.field === field)?.message).toMatch(/Control characters and bidirectional overrides/);
  });

  it.each(freeTextFields.map((f) => [f.name, f] as const))('%s is stored NFC and keeps right-to-left marks', (_name, f) => {
    const field = `${f.part}.${f.path.join('.')}`;
    // "Café" with a combining accent (NFD) and a right-to-left mark: the mark is legitimate, the accent composed.
    const { input, issues } = parse(f.route, f.part, f.path, 'Cafe\u0301 \u200f');
    expect(issues.filter((i) => i.field === field)).toEqual([]);
    if (input) {
      let value: unknown = input[f.part];
      for (const step of f.path) value = (value as Record<string, unknown>)[step];
      expect(value).toBe('Caf\u00e9 \u200f');
    }
  });

  it('a review keeps its paragraphs; one-line fields refuse line breaks', () => {
    const comments = freeTextFields.find((f) => f.name === 'submitFeedback body.comments')!;
    const reason = freeTextFields.find((f) => f.name === 'refundPayment body.reason')!;
    expect(parse(comments.route, 'body', comments.path, 'Clean car.\n\n\tGreat service.').issues.map((i) => i.field)).not.toContain(
      'body.comments',
    );
    expect(parse(reason.route, 'body', reason.path, 'Late\ncar').issues.map((i) => i.field)).toContain('body.reason');
  });
});
