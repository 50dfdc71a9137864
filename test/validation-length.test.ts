import { describe, expect, it } from 'vitest';
import { ValidateDataDocument } from '../client-sdk/index';
import { useHarness } from './support/harness';

const h = useHarness();
/** Validates `{ content }` against text-input-v1 (content of 10 to 50,000 characters). */
const validate = (content: string, token: string) =>
  h().gql(ValidateDataDocument, { schemaId: 'text-input-v1', data: { content } }, token);

describe('string lengths count characters (code points), as JSON Schema says', () => {
  it('accepts ten emoji (twenty UTF-16 units) as ten characters for minLength 10', async () => {
    const token = await h().token(h().user());
    const r = await validate('📖'.repeat(10), token);
    expect(r.data!.validate).toEqual({ valid: true, errors: [] });
  });

  it('refuses six emoji (twelve UTF-16 units) for minLength 10', async () => {
    const token = await h().token(h().user());
    const r = await validate('📖'.repeat(6), token);
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
    const ok = await validate('📖'.repeat(50_000), token);
    expect(ok.data!.validate.valid).toBe(true);
    const over = await validate('📖'.repeat(50_001), token);
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
    const short = await validate('x'.repeat(9), token);
    expect(short.data!.validate.errors[0]!.keyword).toBe('minLength');
    const exact = await validate('x'.repeat(10), token);
    expect(exact.data!.validate.valid).toBe(true);
    const long = await validate('x'.repeat(50_001), token);
    expect(long.data!.validate.errors[0]!.keyword).toBe('maxLength');
  });

  it('counts a lone surrogate as one character', async () => {
    const token = await h().token(h().user());
    const r = await validate('\uD83D'.repeat(10), token);
    expect(r.data!.validate.valid).toBe(true);
  });
});
