// git that cannot be started at all (not on PATH) is a clear GitError from every way we run it,
// never a hang or a bare spawn error.
import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { git, gitPiped, gitStream } from '../../src/git/exec.js';

const options = { cwd: process.cwd(), env: { PATH: '/nonexistent' } };
const missing = /git is not installed or not on PATH/;

describe('git missing from PATH', () => {
  it('at once', () => {
    expect(() => git(['--version'], options)).toThrow(GitError);
    expect(() => git(['--version'], options)).toThrow(missing);
  });

  it('streamed', async () => {
    await expect(gitStream(['--version'], options, () => {})).rejects.toThrow(missing);
  });

  it('fed as it runs', async () => {
    const { input, output } = gitPiped(['cat-file', '--batch'], options);
    input.end();
    await expect(output).rejects.toThrow(missing);
  });
});
