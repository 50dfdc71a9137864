import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness';

const h = useHarness();
const VALIDATE =
  'query($data: JSON!) { validate(schemaId: "text-input-v1", data: $data) { valid errors { path keyword message } } }';

describe('string lengths count characters (code points), as JSON Schema says', () => {
  it('accepts ten emoji (twenty UTF-16 units) as ten characters for minLength 10', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(VALIDATE, { data: { content: '📖'.repeat(10) } }, token);
    expect(r.data!.validate).toEqual({ valid: true, errors: [] });
  });

  it('refuses six emoji (twelve UTF-16 units) for minLength 10', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(VALIDATE, { data: { content: '📖'.repeat(6) } }, token);
    expect(r.data!.validate).toEqual({
      valid: false,
      errors: [
        {
          path: '/content',
          keyword: 'minLength',
          message: 'must NOT have fewer than 10 characters',
        },
      ],
    });
  });

  it('accepts 50,000 emoji for maxLength 50000 and refuses 50,001', async () => {
    const token = await h().token(h().user());
    const ok = await h().gql(VALIDATE, { data: { content: '📖'.repeat(50_000) } }, token);
    expect(ok.data!.validate.valid).toBe(true);
    const over = await h().gql(VALIDATE, { data: { content: '📖'.repeat(50_001) } }, token);
    expect(over.data!.validate.errors).toEqual([
      {
        path: '/content',
        keyword: 'maxLength',
        message: 'must NOT have more than 50000 characters',
      },
    ]);
  });

  it('refuses plain text one character short or over', async () => {
    const token = await h().token(h().user());
    const short = await h().gql(VALIDATE, { data: { content: 'x'.repeat(9) } }, token);
    expect(short.data!.validate.errors[0].keyword).toBe('minLength');
    const exact = await h().gql(VALIDATE, { data: { content: 'x'.repeat(10) } }, token);
    expect(exact.data!.validate.valid).toBe(true);
    const long = await h().gql(VALIDATE, { data: { content: 'x'.repeat(50_001) } }, token);
    expect(long.data!.validate.errors[0].keyword).toBe('maxLength');
  });

  it('counts a lone surrogate as one character', async () => {
    const token = await h().token(h().user());
    const r = await h().gql(VALIDATE, { data: { content: '\uD83D'.repeat(10) } }, token);
    expect(r.data!.validate.valid).toBe(true);
  });
});
