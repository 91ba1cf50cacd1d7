import { describe, expect, it } from 'vitest';
import { CommitSplitter, parseLoggedCommit } from './parse-log.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const MARK = 'agentpolicy-k3y';
const start = `\x01${MARK}\0`;
// Two commits as `git log -z --raw --numstat -p` writes them: the second changes nothing.
const LISTING =
  `${start}${B} ${A}\0Add a\n\n\x01agentpolicy-guess ${A}\n\0` +
  `\n:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\0a b.txt\0` +
  `:000000 100644 ${'0'.repeat(40)} ${'3'.repeat(40)} A\0n\0` +
  `1\t1\ta b.txt\0` +
  `1\t0\tn\0` +
  `\0diff --git a/a b.txt b/a b.txt\n--- a/a b.txt\n+++ b/a b.txt\t\n@@ -1 +1 @@\n-x\n+y\0z\n` +
  `diff --git a/n b/n\nnew file mode 100644\n--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+\x01${MARK}-not\n` +
  `${start}${A} \0Empty\n\0`;

describe('the range listing', () => {
  it('splits commits however the text is cut, and a guessed marker in a message splits nothing', () => {
    for (const size of [1, 2, 7, 64, LISTING.length]) {
      const splitter = new CommitSplitter(MARK);
      const pieces: string[] = [];
      for (let i = 0; i < LISTING.length; i += size)
        pieces.push(...splitter.push(LISTING.slice(i, i + size)));
      pieces.push(...splitter.end());
      expect(pieces.map((piece) => parseLoggedCommit(piece).oid)).toEqual([B, A]);
    }
  });

  it('splits the bytes git writes however they are cut, inside a character or a marker', () => {
    const bytes = Buffer.from(
      `${start}${B} ${A}\0Ünïcödé 🎉 message\n\0\n1\t0\tné.txt\0\0+ça va ✓\n${start}${A} \0Two\n\0`,
      'utf8',
    );
    for (let cut = 1; cut < bytes.length; cut++) {
      const splitter = new CommitSplitter(MARK);
      const pieces = [
        ...splitter.push(bytes.subarray(0, cut)),
        ...splitter.push(bytes.subarray(cut)),
        ...splitter.end(),
      ];
      expect(
        pieces.map((piece) => parseLoggedCommit(piece).message),
        `cut at ${cut}`,
      ).toEqual(['Ünïcödé 🎉 message\n', 'Two\n']);
      expect(parseLoggedCommit(pieces[0]!).patch).toBe('+ça va ✓\n');
    }
  });

  it('holds a commit of many pieces whole, and hands it out once', () => {
    const body = '+x\n'.repeat(50_000);
    const text = `${start}${B} ${A}\0Big\n\0\n1\t0\tbig\0\0${body}${start}${A} \0Next\n\0`;
    const splitter = new CommitSplitter(MARK);
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 4096) pieces.push(...splitter.push(text.slice(i, i + 4096)));
    pieces.push(...splitter.end());
    expect(pieces).toHaveLength(2);
    expect(parseLoggedCommit(pieces[0]!).patch).toBe(body);
  });

  it('reads the header, the message, the records and the patch of a commit', () => {
    const splitter = new CommitSplitter(MARK);
    const [first, second] = [...splitter.push(LISTING), ...splitter.end()].map(parseLoggedCommit);
    expect(first).toMatchObject({ oid: B, parents: [A] });
    expect(first!.message).toBe(`Add a\n\n\x01agentpolicy-guess ${A}\n`);
    expect(first!.files).toEqual([
      expect.objectContaining({
        path: 'a b.txt',
        status: 'modified',
        added: 1,
        deleted: 1,
        newOid: '2'.repeat(40),
      }),
      expect.objectContaining({ path: 'n', status: 'added', added: 1, deleted: 0 }),
    ]);
    expect(first!.patch).toMatch(/^diff --git a\/a b\.txt/);
    expect(first!.patch).toContain('+y\0z\n');
    expect(second).toMatchObject({ oid: A, parents: [], message: 'Empty\n', files: [], patch: '' });
  });

  it('refuses text that is not the listing', () => {
    const splitter = new CommitSplitter(MARK);
    expect(splitter.push('garbage')).toEqual([]);
    expect(() => splitter.end()).toThrow(/at the end/);
    expect(() => new CommitSplitter(MARK).push(`x${start}`)).toThrow(/before the first commit/);
    expect(() => parseLoggedCommit(`nothing\0`)).toThrow(/header/);
    expect(() => parseLoggedCommit(`zz\0msg\0`)).toThrow(/not a commit id/);
  });
});
