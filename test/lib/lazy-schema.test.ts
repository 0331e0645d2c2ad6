import { z } from 'zod';
import { lazySchema } from '../../lib/lazy-schema';

const build = () => {
  const calls: string[] = [];
  const schema = lazySchema((zod) => {
    calls.push('built');
    return zod.object({ id: zod.string().min(1), note: zod.string().optional() });
  });
  return { schema, calls };
};

const real = z.object({ id: z.string().min(1), note: z.string().optional() });

describe('a lazy schema', () => {
  it('builds the real schema on first use, and only once', () => {
    const { schema, calls } = build();
    expect(calls).toEqual([]);
    expect(schema.parse({ id: 'tsk_1' })).toEqual({ id: 'tsk_1' });
    expect(schema.safeParse({ id: '' }).success).toBe(false);
    expect(calls).toEqual(['built']);
  });

  it('answers `in` as the real schema does', () => {
    const { schema } = build();
    expect('shape' in schema).toBe(true);
    expect('safeParse' in schema).toBe(true);
    expect('no_such_member' in schema).toBe(false);
  });

  it('lists the same own keys, and no own property the real schema lacks', () => {
    const { schema } = build();
    expect(Object.keys(schema)).toEqual(Object.keys(real));
    expect(Object.hasOwn(schema, 'no_such_member')).toBe(false);
  });

  it('is an instance of the real schema class, so zod and callers treat it as one', () => {
    const { schema } = build();
    expect(schema).toBeInstanceOf(z.ZodObject);
    // zod's instanceof reads traits; code that walks prototypes (lodash's isPlainObject, say) sees the real class too.
    expect(Object.getPrototypeOf(schema)).toBe(Object.getPrototypeOf(real));
    expect(Object.getPrototypeOf(schema)).not.toBe(Object.prototype);
    expect(schema.extend({ done: z.boolean() }).parse({ id: 'tsk_1', done: true })).toEqual({
      id: 'tsk_1',
      done: true,
    });
    expect(z.array(schema).parse([{ id: 'tsk_1' }])).toEqual([{ id: 'tsk_1' }]);
  });

  it('spreads into the same properties as the real schema', () => {
    const { schema } = build();
    const spread: Record<string, unknown> = { ...schema };
    expect(Object.keys(spread)).toEqual(Object.keys({ ...real }));
    expect(spread.type).toBe('object');
    expect(spread.def).toBe(schema.def);
  });
});
