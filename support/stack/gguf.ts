/**
 * Just enough of the GGUF format (llama.cpp's model file: magic, version, tensor count, then typed key/value metadata)
 * to find one float32 metadata value and rewrite it in a copy of the file. The copy keeps every byte but those four,
 * so it is as valid a model as the original; a hyper-parameter changed this way (the RoPE base frequency) makes the
 * same weights write a different text, which is what a reload to a good, different real model needs when only one
 * real model is at hand.
 */

const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const FLOAT32 = 6;
const STRING = 8;
const ARRAY = 9;

/** Where a metadata value sits in the file, and its GGUF type. */
export interface GgufValue {
  offset: number;
  type: number;
}

/** Finds `key` in the metadata of a GGUF file (version 2 or 3); undefined when the file has no such key. */
export function findGgufValue(bytes: Buffer, key: string): GgufValue | undefined {
  if (bytes.toString('latin1', 0, 4) !== 'GGUF') throw new Error('not a GGUF file (no GGUF magic)');
  const version = bytes.readUInt32LE(4);
  if (version < 2) throw new Error(`GGUF version ${version} is not supported (2 or 3 expected)`);
  const kvCount = Number(bytes.readBigUInt64LE(16));
  let at = 24;
  const readString = (): string => {
    const length = Number(bytes.readBigUInt64LE(at));
    const text = bytes.toString('utf8', at + 8, at + 8 + length);
    at += 8 + length;
    return text;
  };
  const skip = (type: number): void => {
    if (type === STRING) {
      at += 8 + Number(bytes.readBigUInt64LE(at));
    } else if (type === ARRAY) {
      const itemType = bytes.readUInt32LE(at);
      const count = Number(bytes.readBigUInt64LE(at + 4));
      at += 12;
      if (FIXED_SIZE[itemType] !== undefined) at += FIXED_SIZE[itemType] * count;
      else for (let k = 0; k < count; k++) skip(itemType);
    } else if (FIXED_SIZE[type] !== undefined) {
      at += FIXED_SIZE[type];
    } else {
      throw new Error(`unknown GGUF value type ${type} at byte ${at}`);
    }
  };
  for (let k = 0; k < kvCount; k++) {
    const name = readString();
    const type = bytes.readUInt32LE(at);
    at += 4;
    if (name === key) return { offset: at, type };
    skip(type);
  }
  return undefined;
}

/** A copy of a GGUF file with the float32 metadata value `key` replaced; throws when the key is missing or not a float32. */
export function withGgufFloat(bytes: Buffer, key: string, value: number): { bytes: Buffer; before: number } {
  const found = findGgufValue(bytes, key);
  if (!found) throw new Error(`the model has no metadata key ${key}`);
  if (found.type !== FLOAT32) throw new Error(`metadata key ${key} has GGUF type ${found.type}, not float32`);
  const copy = Buffer.from(bytes);
  const before = copy.readFloatLE(found.offset);
  copy.writeFloatLE(value, found.offset);
  return { bytes: copy, before };
}
