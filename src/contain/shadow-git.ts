// The git directory the judge reads the command's repository through. git runs programs named in
// a repository's own config (a filter's `clean` on `hash-object`, `core.fsmonitor`, a diff's
// `textconv` or `external`, hooks), and the command wrote the config it left: reading its git
// directory as it is would run what the command chose, outside the containment. So the judge
// reads a stand-in: the command's objects, refs, reflogs and index (links into its view), under
// the config the repository had before the command ran, without its `info/` and its hooks. The
// command's config is judged as text (`git config --file`), which runs nothing.
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitPlaces, GitRunner } from './git-state.js';

/** What the judge keeps from the config before: the repository's format and how files are read. */
const KEPT =
  /^(core\.(repositoryformatversion|ignorecase|precomposeunicode|autocrlf|eol|safecrlf|commentchar|commentstring|symlinks|filemode|checkroundtripencoding|bigfilethreshold)|extensions\.[a-z]+)$/;

/** Builds the stand-in git directory in `dir` (a new folder) and returns the places to judge with. */
export function shadowGitDir(view: GitPlaces, before: GitRunner, dir: string): GitPlaces {
  mkdirSync(dir);
  const link = (from: string, name: string) => {
    if (existsSync(from)) symlinkSync(from, join(dir, name));
  };
  for (const name of ['objects', 'refs', 'packed-refs', 'logs', 'reftable', 'shallow'])
    link(join(view.commonDir, name), name);
  if (!existsSync(join(dir, 'refs'))) mkdirSync(join(dir, 'refs'));
  if (!existsSync(join(dir, 'objects'))) mkdirSync(join(dir, 'objects'));
  link(join(view.gitDir, 'index'), 'index');
  // A split index names its shared part, which lies beside it.
  for (const name of readdirSync(view.gitDir))
    if (name.startsWith('sharedindex.')) link(join(view.gitDir, name), name);
  const head = join(view.gitDir, 'HEAD');
  if (existsSync(head)) copyFileSync(head, join(dir, 'HEAD'));
  else writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/main\n');
  // `--list -z`: "key\nvalue" per entry, NUL-terminated. The kept keys have no subsections.
  const config = before(['config', '--local', '--list', '-z'], { ok: [1] })
    .stdout.split('\0')
    .map((entry) => entry.split('\n'))
    .filter(([key = '']) => KEPT.test(key.toLowerCase()))
    .map(([key = '', value = '']) => {
      const dot = key.indexOf('.');
      return `[${key.slice(0, dot)}]\n\t${key.slice(dot + 1)} = "${value.replace(/[\\"]/g, (c) => `\\${c}`)}"\n`;
    });
  writeFileSync(join(dir, 'config'), config.join(''));
  return { root: view.root, gitDir: dir, commonDir: dir };
}
