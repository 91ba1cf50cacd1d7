// One model per effect, tried with spellings written for these tests (none from the fixture sets):
// what must be stopped (any answer but a plain allow), the ordinary commands next to it, and for
// some the rule that must give the reason.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    // src/app.ts has an uncommitted edit in this state: deleting it loses that.
    allow: ['cd src && rm -f main.ts', 'CDPATH=/x; cd ./docs && ls'],
  },
  'package scripts and make targets changed earlier in the line, or run through another program': {
    stop: [
      'npm pkg set scripts.lint="git stash clear" && npm run lint',
      "sed -i 's/vitest run/rm -rf src/' package.json && npm test",
      "cat > Makefile <<'EOF'\nwipe:\n\trm -rf docs\nEOF\nmake wipe",
      "make -f /dev/stdin wipe <<< $'wipe:\\n\\tgit reset --hard'",
      'NPM_CONFIG_SCRIPT_SHELL=python3 npm run build',
      'npm run build --script-shell /tmp/x.sh',
      'export npm_config_script_shell=./sh; npm test',
      'npm pkg set scripts.build="rm -rf src" && npm run build',
    ],
    allow: [
      'npm pkg set version=1.2.4 && npm run build',
      'npm test --script-shell=bash',
      'make -n clean',
      "printf 'all:\\n\\techo hi\\n' > /tmp/mk && make -f /tmp/mk",
    ],
  },
  'runners that fetch and run a package nobody has read': {
    stop: [
      'npx some-cleaner src',
      'pnpm dlx @acme/wipe docs',
      'bunx nuke-it',
      'uvx --from foo-tools foo src',
      'npm exec --package=@x/y -- y',
      'yarn dlx wipe-all',
      'uv tool run sweeper .',
    ],
    allow: ['npx tsc -p .', 'npx --yes prettier@3 --check src', 'uvx ruff check .', 'pipx run mypy src'],
    because: [['npx -y trash-cli docs', 'no-mass-deletion']],
  },
  'wrappers taken off': {
    stop: [
      'flock -w 5 /tmp/l git reset --hard',
      "flock /tmp/l --command 'git branch -D feature'",
      'chronic -e rm -rf docs',
      'cross-env NODE_ENV=x git clean -fdx',
      'parallel --jobs 2 git branch -D ::: feature',
      "gdb -batch -ex '!rm -rf docs'",
      'eatmydata git clean -fdx',
      "expect -c 'spawn git push --force origin main'",
      'dotenv -e .env -- git reset --hard',
      "cross-env-shell 'git stash clear'",
    ],
    allow: [
      'flock /tmp/l npm test',
      'chronic npm run build',
      'parallel echo ::: a b',
      'cross-env CI=1 npm test',
    ],
  },
  'interpreter code that empties, truncates or names its call at run time': {
    stop: [
      `python3 -c "open('src/main.ts','w').close()"`,
      `python3 -c "open('docs/api.md', 'wb').write(b'')"`,
      `node -e "require('fs').truncateSync('src/index.ts')"`,
      `node -e "const f=require('fs'); f['unlink'+'Sync']('src/main.ts')"`,
      `perl -e 'open(F, ">src/main.ts"); close F'`,
      `awk 'BEGIN{printf "" > "docs/api.md"}'`,
      `Rscript -e 'file.remove("src/main.ts")'`,
      "tclsh <<< 'exec rm -rf docs'",
      'pwsh -Command "Remove-Item docs -Recurse"',
      `php -r 'call_user_func("unlink", "src/main.ts");'`,
      `awk 'BEGIN { system("rm -rf " "docs") }'`,
    ],
    allow: [
      `python3 -c "open('/tmp/out.txt','w').write('x')"`,
      "pwsh -c 'Get-ChildItem src'",
      "Rscript -e 'print(1+1)'",
      "awk '{print $1}' README.md",
      `node -e "require('fs').truncateSync('/tmp/x.log', 10)"`,
    ],
  },
  'content destroyed: same-file input, editors, holes, copies over tracked files': {
    stop: [
      'cut -c1-10 < src/main.ts > src/main.ts',
      "vi -es -c '1,$d' -c 'wq' src/main.ts",
      "ed src/main.ts <<< $'1,$d\\nw\\nq'",
      "nvim --headless +'%delete' +'wq' docs/api.md",
      'fallocate -p -o 0 -l 4096 README.md',
      'cp docs/api.md docs/guide.md',
      "awk -i inplace 'NR>100' src/main.ts",
    ],
    allow: [
      ': > dist/bundle.js',
      'cp -n README.md src/index.ts',
      'mv --no-clobber README.md docs/api.md',
      `awk -i inplace '{ sub(/a/, "b") } 1' src/main.ts`,
      'cp docs/api.md docs/api.copy.md',
    ],
  },
  'moves out of the project': {
    stop: ['mv --target-directory=/tmp docs', 'mv -t .. src'],
    allow: ['mv -t /tmp scratch.txt'],
  },
  'dry runs and manuals run nothing': {
    stop: ['git rm -r docs', 'rm -rf src'],
    allow: [
      'git rm -rn docs',
      'git rm -r --dry-run src',
      'git reset --hard HEAD~3 --help',
      'git branch -D feature --help',
      'rm -rf src --help',
      'cp --help',
    ],
  },
  'branches moved by checkout -B and switch -C': {
    stop: ['git checkout -B feature', 'git switch --force-create feature main'],
    allow: ['git checkout -B new-topic', 'git switch -C merged-branch main'],
  },
  "package.json's policy key written by any program": {
    stop: [
      `python3 -c "import json;d=json.load(open('package.json'));d['agentpolicy']={};json.dump(d,open('package.json','w'))"`,
      "jq '. + {agentpolicy: {}}' package.json > /tmp/p && cp /tmp/p package.json",
    ],
    allow: ['jq \'.version="1.2.4"\' package.json > /tmp/p && mv /tmp/p package.json'],
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

describe('git clean -X with an ignored file that is not build output', () => {
  it('deletes local settings and secrets: denied, naming them', async () => {
    const inner = await blindContext();
    writeFileSync(join(inner.root, '.env.local'), 'TOKEN=x\n');
    writeFileSync(join(inner.root, '.gitignore'), 'node_modules/\ndist/\nbuild/\ncoverage/\n.env.local\n');
    const decision = guardCommand('git clean -fdX', inner);
    expect(decision.verdict).toBe('deny');
    expect(decision.reason).toContain('.env.local');
  }, 60_000);
});
