// One model per effect, tried with spellings written for these tests (none from the fixture sets):
// what must be stopped (any answer but a plain allow), the ordinary commands next to it, and for
// some the rule that must give the reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { type GuardContext, guardCommand } from '../../src/adapters/guard.js';
import { blindContext } from './blind-repo.js';

let context: GuardContext;
beforeAll(async () => {
  context = await blindContext();
}, 60_000);

interface Class {
  stop: string[];
  allow: string[];
  /** Commands and the rule that must decide them. */
  because?: [string, string][];
}

const CLASSES: Record<string, Class> = {
  'pathname expansion as bash does it (dot files, extglob, dotglob, nocaseglob, noglob)': {
    stop: [
      'shopt -s extglob; rm -rf -- !(*.md)',
      'shopt -s dotglob\nrm -rf ./*',
      'GLOBIGNORE=.; rm -rf *',
      'shopt -s nocaseglob; rm -rf D*',
      'rm -r ./[a-z]*',
    ],
    allow: ['rm -rf -- dist/*', 'set -f; rm -f *', 'echo !(x)', 'shopt -s extglob; ls !(node_modules)'],
    because: [
      ['rm -rf -- *', 'no-mass-deletion'],
      ['rm -rf ./*', 'no-mass-deletion'],
      ['rm -rf .[!.]*', 'protected-paths'],
    ],
  },
  'parameter expansion, positional parameters, output known in the line': {
    stop: [
      'p=$PWD; rm -rf "${p%/*}/sibling"',
      'd=src/; rm -r ${d%/}',
      'v=xsrc; rm -rf ${v:1}',
      'v=docs.bak; rm -rf "${v%.bak}"',
      'g(){ git "$@"; }; g stash clear',
      'set -- -rf src; rm "$@"',
      'run(){ "$@"; }; run git clean -fdx',
      'git $(printf reset) --hard',
      'rm $(echo -rf) docs',
      "git clean $(printf '%s' -fdx)",
      "printf '%s\\n' --force | xargs git push origin main",
      "echo 'stash clear' | xargs git",
      "alias rm='rm -i'; rm -rf src",
    ],
    allow: [
      'f(){ npx prettier --check "$1"; }; f src/app.ts',
      'b=$(git branch --show-current); git log -1 "$b"',
      'echo hello | xargs echo',
      "alias ll='ls -la'; ll",
      'x=${PWD##*/}; echo "$x"',
    ],
    because: [
      ['rm -rf "${PWD%/*}"', 'no-mass-deletion'],
      ["alias git='git -c color.ui=never'; git reset --hard", 'no-destructive-git'],
    ],
  },
  CDPATH: {
    stop: ['CDPATH=/var; cd log && rm -rf ./*', 'CDPATH=/home; cd nobody && rm -f .bashrc'],
    allow: ['cd src && rm -f app.ts', 'CDPATH=/x; cd ./docs && ls'],
  },
};

describe.each(Object.entries(CLASSES))('%s', (_name, { stop, allow, because = [] }) => {
  it.each(stop)('stops %s', (command) => {
    expect(guardCommand(command, context).verdict).not.toBe('allow');
  });
  it.each(allow)('allows %s', (command) => {
    const decision = guardCommand(command, context);
    expect(decision.verdict, decision.reason).toBe('allow');
  });
  it.each(because)('%s: %s decides', (command, rule) => {
    const decision = guardCommand(command, context);
    expect(decision.verdict).toBe('deny');
    expect(decision.rule, decision.reason).toBe(rule);
  });
});
