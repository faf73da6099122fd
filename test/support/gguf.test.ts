import { describe, it } from 'node:test';
import { expect } from 'chai';
import { findGgufValue, withGgufFloat } from '../../support/stack/gguf';

/** A GGUF version 3 header with the given metadata (no tensors): enough for the metadata walker. */
function gguf(kvs: [string, Buffer][]): Buffer {
  const head = Buffer.alloc(24);
  head.write('GGUF', 0, 'latin1');
  head.writeUInt32LE(3, 4);
  head.writeBigUInt64LE(0n, 8);
  head.writeBigUInt64LE(BigInt(kvs.length), 16);
  const str = (s: string): Buffer => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(Buffer.byteLength(s)));
    return Buffer.concat([len, Buffer.from(s)]);
  };
  return Buffer.concat([head, ...kvs.flatMap(([k, v]) => [str(k), v])]);
}
const typed = (type: number, value: Buffer): Buffer => {
  const t = Buffer.alloc(4);
  t.writeUInt32LE(type);
  return Buffer.concat([t, value]);
};
const f32 = (x: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return typed(6, b);
};
const stringArray = (items: string[]): Buffer => {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(8, 0);
  head.writeBigUInt64LE(BigInt(items.length), 4);
  const strs = items.map((s) => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(Buffer.byteLength(s)));
    return Buffer.concat([len, Buffer.from(s)]);
  });
  return typed(9, Buffer.concat([head, ...strs]));
};

describe('GGUF metadata rewrite (the second real model of a reload)', () => {
  const file = gguf([
    ['tokenizer.ggml.tokens', stringArray(['<s>', 'hello', 'world'])],
    ['llama.rope.freq_base', f32(100000)],
    ['llama.context_length', typed(4, Buffer.from([0, 32, 0, 0]))],
  ]);

  it('finds a float past string arrays and rewrites only its four bytes', () => {
    const found = findGgufValue(file, 'llama.rope.freq_base');
    expect(found?.type).to.equal(6);
    const { bytes, before } = withGgufFloat(file, 'llama.rope.freq_base', 10000);
    expect(before).to.equal(100000);
    expect(bytes.readFloatLE(found!.offset)).to.equal(10000);
    const changed = [...bytes].filter((b, k) => b !== file[k]).length;
    expect(changed, 'bytes that differ').to.be.within(1, 4);
    expect(bytes.length).to.equal(file.length);
  });

  it('refuses a missing key, a key of another type and a file that is not GGUF', () => {
    expect(() => withGgufFloat(file, 'llama.rope.scale', 1)).to.throw(/no metadata key llama.rope.scale/);
    expect(() => withGgufFloat(file, 'llama.context_length', 1)).to.throw(/type 4, not float32/);
    expect(() => findGgufValue(Buffer.from('XXXX0000000000000000000000000000'), 'k')).to.throw(/not a GGUF file/);
  });
});
