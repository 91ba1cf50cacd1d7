// DEFLATE decoding (RFC 1951) for git's zlib-compressed objects, small enough to cost nothing when
// a tool call starts: node:zlib takes ~10 ms to load (it pulls in streams), and a general-purpose
// library builds large tables up front. The objects a policy read touches are a few KB.

class Bits {
  position = 0;
  private bitBuffer = 0;
  private bitCount = 0;
  constructor(private readonly data: Uint8Array) {}

  read(count: number): number {
    while (this.bitCount < count) {
      if (this.position >= this.data.length) throw new Error('unexpected end of deflate data');
      this.bitBuffer |= this.data[this.position++]! << this.bitCount;
      this.bitCount += 8;
    }
    const value = this.bitBuffer & ((1 << count) - 1);
    this.bitBuffer >>>= count;
    this.bitCount -= count;
    return value;
  }

  /** One Huffman-coded symbol, read a bit at a time (canonical codes, RFC 1951 3.2.2). */
  decode(table: Huffman): number {
    const { counts, symbols } = table;
    let buffer = this.bitBuffer;
    let available = this.bitCount;
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length < 16; length++) {
      if (available === 0) {
        if (this.position >= this.data.length) throw new Error('unexpected end of deflate data');
        buffer = this.data[this.position++]!;
        available = 8;
      }
      code |= buffer & 1;
      buffer >>>= 1;
      available--;
      const count = counts[length]!;
      if (code - first < count) {
        this.bitBuffer = buffer;
        this.bitCount = available;
        return symbols[index + code - first]!;
      }
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error('invalid deflate code');
  }

  alignToByte(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
  }
}

interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function huffman(lengths: Uint8Array | number[], count: number): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < count; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let i = 1; i < 16; i++) offsets[i] = offsets[i - 1]! + counts[i - 1]!;
  const symbols = new Uint16Array(count);
  for (let i = 0; i < count; i++) if (lengths[i]) symbols[offsets[lengths[i]!]!++] = i;
  return { counts, symbols };
}

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixed: { literals: Huffman; distances: Huffman } | undefined;

function fixedTables(): { literals: Huffman; distances: Huffman } {
  if (!fixed) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144);
    lengths.fill(9, 144, 256);
    lengths.fill(7, 256, 280);
    lengths.fill(8, 280, 288);
    fixed = { literals: huffman(lengths, 288), distances: huffman(new Uint8Array(30).fill(5), 30) };
  }
  return fixed;
}

/** Inflates raw DEFLATE data; `sizeHint` sizes the output (it grows when the hint is short). */
export function inflate(data: Uint8Array, sizeHint = data.length * 4): Buffer {
  const bits = new Bits(data);
  let out = Buffer.allocUnsafe(Math.max(sizeHint, 64));
  let length = 0;
  const ensure = (extra: number) => {
    if (length + extra <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, length + extra));
    out.copy(bigger, 0, 0, length);
    out = bigger;
  };
  let last = 0;
  while (!last) {
    last = bits.read(1);
    const type = bits.read(2);
    if (type === 0) {
      bits.alignToByte();
      const start = bits.position;
      if (start + 4 > data.length) throw new Error('unexpected end of deflate data');
      const size = data[start]! | (data[start + 1]! << 8);
      if ((size ^ 0xffff) !== (data[start + 2]! | (data[start + 3]! << 8)))
        throw new Error('invalid stored block');
      if (start + 4 + size > data.length) throw new Error('unexpected end of deflate data');
      ensure(size);
      out.set(data.subarray(start + 4, start + 4 + size), length);
      length += size;
      bits.position = start + 4 + size;
      continue;
    }
    let literals: Huffman;
    let distances: Huffman;
    if (type === 1) ({ literals, distances } = fixedTables());
    else if (type === 2) {
      const literalCount = bits.read(5) + 257;
      const distanceCount = bits.read(5) + 1;
      const codeCount = bits.read(4) + 4;
      const codeLengths = new Uint8Array(19);
      for (let i = 0; i < codeCount; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = bits.read(3);
      const codes = huffman(codeLengths, 19);
      const lengths = new Uint8Array(literalCount + distanceCount);
      for (let i = 0; i < lengths.length; ) {
        const symbol = bits.decode(codes);
        if (symbol < 16) lengths[i++] = symbol;
        else {
          const [repeat, value] =
            symbol === 16
              ? [3 + bits.read(2), i > 0 ? lengths[i - 1]! : -1]
              : symbol === 17
                ? [3 + bits.read(3), 0]
                : [11 + bits.read(7), 0];
          if (value < 0 || i + repeat > lengths.length) throw new Error('invalid deflate code lengths');
          lengths.fill(value, i, i + repeat);
          i += repeat;
        }
      }
      literals = huffman(lengths.subarray(0, literalCount), literalCount);
      distances = huffman(lengths.subarray(literalCount), distanceCount);
    } else throw new Error('invalid deflate block type');
    for (;;) {
      const symbol = bits.decode(literals);
      if (symbol < 256) {
        ensure(1);
        out[length++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      const lengthIndex = symbol - 257;
      if (lengthIndex >= 29) throw new Error('invalid deflate length');
      const count = LENGTH_BASE[lengthIndex]! + bits.read(LENGTH_EXTRA[lengthIndex]!);
      const distanceIndex = bits.decode(distances);
      if (distanceIndex >= 30) throw new Error('invalid deflate distance');
      const distance = DIST_BASE[distanceIndex]! + bits.read(DIST_EXTRA[distanceIndex]!);
      if (distance > length) throw new Error('invalid deflate distance');
      ensure(count);
      for (let i = 0; i < count; i++) out[length + i] = out[length - distance + i]!;
      length += count;
    }
  }
  return out.subarray(0, length);
}
