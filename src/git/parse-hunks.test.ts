import { describe, expect, it } from 'vitest';
import { hunkSections, parseHunks, readHunks } from './parse-hunks.js';

// `git diff -U1 --src-prefix=a/ --dst-prefix=b/` output, as git writes it.
const PATCH = [
  'diff --git a/a.ts b/a.ts',
  'index 1111111..2222222 100644',
  '--- a/a.ts',
  '+++ b/a.ts',
  '@@ -1,3 +1,3 @@',
  ' one',
  '--- a removed line that looks like a header',
  '+++ an added line that looks like a header',
  ' three',
  '@@ -10 +10,2 @@ function f() {',
  '-ten\r',
  '+ten\r',
  '+\r',
  'diff --git a/gone.txt b/gone.txt',
  'deleted file mode 100644',
  'index 3333333..0000000',
  '--- a/gone.txt',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-a',
  '-b',
  '\\ No newline at end of file',
  'diff --git "a/sp ace\\"q\\303\\274" "b/sp ace\\"q\\303\\274"',
  'new file mode 100644',
  'index 0000000..4444444',
  '--- /dev/null',
  '+++ "b/sp ace\\"q\\303\\274"\t',
  '@@ -0,0 +1 @@',
  '+diff --git a/x b/x',
  'diff --git a/old.ts b/new.ts',
  'similarity index 90%',
  'rename from old.ts',
  'rename to new.ts',
  'index 5555555..6666666 100644',
  '--- a/old.ts',
  '+++ b/new.ts',
  '@@ -4,2 +4,2 @@',
  ' keep',
  '-was',
  '+is',
  'diff --git a/img.png b/img.png',
  'index 7777777..8888888 100644',
  'Binary files a/img.png and b/img.png differ',
  '',
].join('\n');

describe('the hunks of a patch', () => {
  const files = parseHunks(PATCH);

  it('reads added and removed lines with their numbers, context moving both on', () => {
    expect(files.get('a.ts')).toEqual({
      removedLines: [
        { line: 2, text: '-- a removed line that looks like a header' },
        { line: 10, text: 'ten' },
      ],
      addedLines: [
        { line: 2, text: '++ an added line that looks like a header' },
        { line: 10, text: 'ten' },
        { line: 11, text: '' },
      ],
    });
  });

  it('keys a deletion by its old path and skips git’s no-newline note', () => {
    expect(files.get('gone.txt')).toEqual({
      addedLines: [],
      removedLines: [
        { line: 1, text: 'a' },
        { line: 2, text: 'b' },
      ],
    });
  });

  it('unquotes C-quoted paths, and a line that reads like a header inside a hunk is content', () => {
    expect(files.get('sp ace"qü')).toEqual({
      addedLines: [{ line: 1, text: 'diff --git a/x b/x' }],
      removedLines: [],
    });
  });

  it('keys a rename by its new path; a binary file has no lines', () => {
    expect(files.get('new.ts')).toEqual({
      addedLines: [{ line: 5, text: 'is' }],
      removedLines: [{ line: 5, text: 'was' }],
    });
    expect(files.has('img.png')).toBe(false);
    expect([...files.keys()]).toHaveLength(4);
  });

  it('finds each file’s hunks by its headers, and a path replaced by a symlink has two parts', () => {
    const replaced = [
      'diff --git a/x b/x',
      'deleted file mode 100644',
      '--- a/x',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-file',
      'diff --git a/x b/x',
      'new file mode 120000',
      '--- /dev/null',
      '+++ b/x',
      '@@ -0,0 +1 @@',
      '+target',
      '\\ No newline at end of file',
    ].join('\n');
    const sections = hunkSections(replaced);
    expect([...sections.keys()]).toEqual(['x']);
    const lines = { addedLines: [], removedLines: [] };
    for (const [start, end] of sections.get('x')!) readHunks(replaced, start, end, lines);
    expect(lines).toEqual({
      addedLines: [{ line: 1, text: 'target' }],
      removedLines: [{ line: 1, text: 'file' }],
    });
    expect(parseHunks(replaced).get('x')).toEqual(lines);
    expect(hunkSections('')).toEqual(new Map());
  });
});
