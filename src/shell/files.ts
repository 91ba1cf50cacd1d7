// What file commands do to files: rm, shred, truncate, dd, cp, mv, tee, touch, sed -i, chmod...
// and the few irreversible infrastructure commands, as operations the rules judge.
import { dirname, resolve } from 'node:path';
import { type Context, everythingUnder, producesNothing, resolveTarget } from './analyze.js';
import type { Operation, Target } from './types.js';
import type { WordValue } from './words.js';

/**
 * Long options of the GNU file tools, which take any unique prefix of one (`rm --rec --for`), as
 * getopt_long reads them.
 */
const LONG_OPTIONS: Record<string, string[]> = {
  rm: [
    'recursive',
    'force',
    'dir',
    'interactive',
    'one-file-system',
    'no-preserve-root',
    'preserve-root',
    'verbose',
  ],
  shred: ['remove', 'zero', 'iterations', 'size', 'exact', 'force', 'random-source', 'verbose'],
  cp: [
    'recursive',
    'archive',
    'force',
    'no-clobber',
    'target-directory',
    'no-target-directory',
    'remove-destination',
  ],
  mv: ['force', 'no-clobber', 'target-directory', 'no-target-directory', 'update', 'verbose'],
  tee: ['append', 'ignore-interrupts', 'output-error'],
  truncate: ['size', 'reference', 'no-create', 'io-blocks'],
  ln: ['symbolic', 'force', 'no-dereference', 'target-directory', 'no-target-directory', 'relative'],
};
const COMPRESSOR_LONG = [
  'recursive',
  'keep',
  'stdout',
  'to-stdout',
  'test',
  'list',
  'decompress',
  'uncompress',
  'compress',
  'force',
  'suffix',
  'quiet',
  'verbose',
  'rm',
];
for (const name of [
  'gzip',
  'gunzip',
  'pigz',
  'unpigz',
  'bzip2',
  'bunzip2',
  'xz',
  'unxz',
  'lzma',
  'unlzma',
  'lzip',
  'zstd',
  'unzstd',
  'lz4',
  'brotli',
])
  LONG_OPTIONS[name] = COMPRESSOR_LONG;
const COMMON_LONG = ['help', 'version'];

/** A long option as the tool reads it: itself, or the one known option it is a unique prefix of. */
function longName(name: string, option: string): string {
  const known = [...(LONG_OPTIONS[name] ?? []), ...COMMON_LONG];
  if (known.includes(option)) return option;
  const matches = known.filter((full) => full.startsWith(option));
  return matches.length === 1 ? matches[0]! : option;
}

/** Flags of a command as a set of letters and long names: `-rf --force` → r, f, force. */
function flagsOf(args: WordValue[], name = ''): { flags: Set<string>; operands: WordValue[] } {
  const flags = new Set<string>();
  const operands: WordValue[] = [];
  let done = false;
  for (const arg of args) {
    if (!done && arg.text === '--') done = true;
    else if (!done && arg.text.startsWith('--') && !arg.dynamic)
      flags.add(longName(name, arg.text.slice(2).split('=')[0]!));
    else if (!done && /^-[a-zA-Z]+$/.test(arg.text))
      for (const letter of arg.text.slice(1)) flags.add(letter);
    else operands.push(arg);
  }
  return { flags, operands };
}

export function fileOperations(name: string, args: WordValue[], context: Context): Operation[] {
  const cwd = context.scope.cwd;
  const target = (value: WordValue) => resolveTarget(value, cwd);
  const { flags, operands } = flagsOf(args, name);
  const via = name;
  // `rm -rf src --help`: GNU tools print their manual and do nothing else.
  if (flags.has('help') || flags.has('version')) return [];
  switch (name) {
    case 'rimraf':
    case 'del':
    case 'del-cli':
    case 'trash':
    case 'trash-put':
    case 'rmtrash':
    case 'send2trash':
    case 'gio-trash':
    case 'shx':
      if (name === 'shx') return args[0]?.text === 'rm' ? fileOperations('rm', args.slice(1), context) : [];
      // These take glob patterns themselves, quoted or not.
      return operands.length
        ? [
            {
              kind: 'delete',
              targets: operands.map((o) =>
                /[*?[{]/.test(o.text)
                  ? target({ ...o, glob: true, globOptions: { globstar: true } })
                  : target(o),
              ),
              recursive: true,
              via,
            },
          ]
        : [];
    case 'rm':
    case 'unlink':
    case 'rmdir':
      if (flags.has('help') || flags.has('version')) return [];
      return operands.length
        ? [
            {
              kind: 'delete',
              targets: operands.map(target),
              recursive: flags.has('r') || flags.has('R') || flags.has('recursive'),
              via,
              // `rm -f $(git ls-files)`: one word that becomes as many files as the command prints.
              ...(operands.some((operand) => operand.many) ? { bulk: true } : {}),
            },
          ]
        : [];
    case 'shred': {
      const ops: Operation[] = operands.map((operand) => ({
        kind: 'write',
        target: target(operand),
        mode: 'destroy',
        via,
      }));
      if (flags.has('u') || flags.has('remove'))
        ops.push({ kind: 'delete', targets: operands.map(target), recursive: false, via });
      return ops;
    }
    case 'truncate':
      return args
        .filter(
          (arg, i) =>
            !arg.text.startsWith('-') &&
            !/^-(s|r|o)$/.test(args[i - 1]?.text ?? '') &&
            !/^--(size|reference)$/.test(args[i - 1]?.text ?? ''),
        )
        .map((operand) => ({ kind: 'write', target: target(operand), mode: 'destroy', via }));
    case 'dd': {
      const output = args.find((arg) => arg.text.startsWith('of='));
      return output
        ? [{ kind: 'write', target: target({ ...output, text: output.text.slice(3) }), mode: 'destroy', via }]
        : [];
    }
    case 'ln':
      return link(args, operands, context);
    case 'cp':
    case 'install': {
      const into = args.findIndex((arg) => arg.text === '-t' || arg.text === '--target-directory');
      if (into !== -1 && args[into + 1])
        return [
          {
            kind: 'write',
            target: everythingUnder(args[into + 1]!, cwd),
            mode: 'overwrite',
            via,
          },
        ];
      if (operands.length < 2) return [];
      const destination = operands[operands.length - 1]!;
      const sources = operands.slice(0, -1);
      const recursive = ['r', 'R', 'a', 'recursive', 'archive'].some((flag) => flags.has(flag));
      // `cp -r old/. .`, `cp -rT old .`: a tree's content copied over the destination's own files.
      if (
        recursive &&
        !keepsExisting(flags) &&
        sources.some(
          (source) => /(^|\/)\.\/?$/.test(source.text) || flags.has('T') || flags.has('no-target-directory'),
        )
      )
        return [
          { kind: 'write', target: everythingUnder(destination, cwd), mode: 'overwrite', via: `${name} -r` },
          ...overUnknownFiles(`${name} -r copies`, destination, context),
        ];
      const fromNull = sources.some(
        (operand) => operand.text === '/dev/null' || operand.text === '/dev/zero',
      );
      // `cp -n`: an existing destination is left as it is.
      if (keepsExisting(flags)) return [{ kind: 'write', target: target(destination), mode: 'create', via }];
      return [
        {
          kind: 'write',
          target: target(destination),
          mode: fromNull ? 'destroy' : 'overwrite',
          via,
          ...(sources.length === 1 && !fromNull ? { from: target(sources[0]!) } : {}),
        },
      ];
    }
    case 'mv': {
      // `mv -t DIR SRC...`: the destination comes first.
      const into = args.findIndex((arg) => arg.text === '-t' || arg.text === '--target-directory');
      const folder =
        into !== -1
          ? args[into + 1]
          : args.find((arg) => arg.text.startsWith('--target-directory=')) && {
              ...args.find((arg) => arg.text.startsWith('--target-directory='))!,
              text: args.find((arg) => arg.text.startsWith('--target-directory='))!.text.slice(19),
            };
      const rest = into !== -1 ? operands.filter((operand) => operand !== args[into + 1]) : operands;
      if (folder) {
        const sources = rest.filter((operand) => !operand.text.startsWith('--target-directory='));
        return sources.length
          ? [
              {
                kind: 'move',
                from: sources.map(target),
                to: target({ ...folder, text: `${folder.text}/` }),
                via,
              },
            ]
          : [];
      }
      if (operands.length < 2) return [];
      const destination = operands[operands.length - 1]!;
      const sources = operands.slice(0, -1).map(target);
      if (destination.text === '/dev/null')
        return [{ kind: 'delete', targets: sources, recursive: true, via: 'mv to /dev/null' }];
      return [
        {
          kind: 'move',
          from: sources,
          to: target(destination),
          via,
          ...(keepsExisting(flags) ? { keep: true } : {}),
        },
      ];
    }
    case 'fallocate': {
      // Punching, collapsing or zeroing a range destroys what was there.
      if (
        !['p', 'c', 'z'].some((flag) => flags.has(flag)) &&
        !['punch-hole', 'collapse-range', 'zero-range'].some((flag) => flags.has(flag))
      )
        return [];
      const file = operands
        .filter((operand, i) => i === operands.length - 1 || !/^\d/.test(operand.text))
        .at(-1);
      return file ? [{ kind: 'write', target: target(file), mode: 'destroy', via: `${name} (hole)` }] : [];
    }
    case 'tee':
    case 'sponge': {
      const append = flags.has('a') || flags.has('append');
      const empty =
        context.stdin?.text === '' ||
        producesNothing([{ text: 'cat', dynamic: false, glob: false }], context.stdin);
      const shared = operands.length > 1 || operands.some((operand) => operand.glob);
      return operands.map((operand) => ({
        kind: 'write',
        target: target(operand),
        mode: append ? 'append' : empty ? 'destroy' : 'overwrite',
        via,
        ...(shared && !append ? { shared } : {}),
      }));
    }
    case 'sort': {
      const output = args.findIndex((arg) => arg.text === '-o' || arg.text === '--output');
      const file = output === -1 ? args.find((arg) => arg.text.startsWith('--output=')) : args[output + 1];
      if (!file) return [];
      const value = file.text.startsWith('--output=') ? { ...file, text: file.text.slice(9) } : file;
      const inputs = args.filter(
        (arg, i) => !arg.text.startsWith('-') && i !== output + 1 && arg.text !== '/dev/null',
      );
      return [
        {
          kind: 'write',
          target: target(value),
          mode: inputs.length ? 'overwrite' : 'destroy',
          via: 'sort -o',
        },
      ];
    }
    case 'uniq': {
      // `uniq [IN [OUT]]`: the second operand is written; over its own input it is emptied first.
      const words = args.filter(
        (arg, i) =>
          !arg.text.startsWith('-') &&
          !/^-[fsw]$|^--(skip-fields|skip-chars|check-chars)$/.test(args[i - 1]?.text ?? ''),
      );
      if (words.length < 2) return [];
      const input = target(words[0]!);
      const output = target(words[1]!);
      return [
        {
          kind: 'write',
          target: output,
          mode: input.path && input.path === output.path ? 'destroy' : 'overwrite',
          via: 'uniq IN OUT',
        },
      ];
    }
    case 'gzip':
    case 'gunzip':
    case 'pigz':
    case 'unpigz':
    case 'bzip2':
    case 'bunzip2':
    case 'pbzip2':
    case 'xz':
    case 'unxz':
    case 'lzma':
    case 'unlzma':
    case 'lzip':
    case 'compress':
    case 'uncompress':
    case 'zstd':
    case 'unzstd':
    case 'lz4':
    case 'brotli':
      return compressed(name, args, operands, flags, target);
    case 'gio':
      return /^(trash|remove|rm)$/.test(args[0]?.text ?? '')
        ? fileOperations('trash', args.slice(1), context)
        : [];
    case 'zip': {
      // `zip -m` moves the files into the archive: they are deleted once it is written.
      if (!flags.has('m') && !flags.has('move')) return [];
      const files = operands.slice(1);
      return files.length
        ? [
            {
              kind: 'delete',
              targets: files.map(target),
              recursive: flags.has('r') || flags.has('R'),
              via: 'zip -m',
            },
          ]
        : [];
    }
    case 'patch': {
      // `patch -R`: reverting a patch (`git diff | patch -R -p1` throws uncommitted work away).
      if (
        args.some((arg) => arg.text === '--reverse' || /^-[a-zA-Z]*R/.test(arg.text)) &&
        !args.some((arg) => arg.text === '--dry-run')
      )
        return [
          {
            kind: 'opaque',
            reason: 'patch -R reverts changes in files only known when it runs',
            unseen: true,
          },
        ];
      const out = args.findIndex((arg) => arg.text === '-o' || arg.text === '--output');
      const file = out !== -1 ? args[out + 1] : operands.find((operand) => !operand.text.startsWith('-'));
      return file ? [{ kind: 'write', target: target(file), mode: 'modify', via }] : [];
    }
    case 'ed':
    case 'ex':
    case 'red':
    case 'vi':
    case 'vim':
    case 'nvim':
    case 'nano':
    case 'emacs':
    case 'pico':
    case 'micro':
      return editor(name, args, context);
    case 'tar':
    case 'bsdtar':
    case 'unzip':
    case '7z':
    case '7za':
    case '7zz':
    case 'cpio':
      return [...extract(name, args, context), ...archivedAway(name, args, target)];
    case 'awk':
    case 'gawk':
      if (!args.some((arg, i) => arg.text === 'inplace' && /^-[a-zA-Z]*i$/.test(args[i - 1]?.text ?? '')))
        return [];
      return [
        ...operands.slice(2).map(
          (operand): Operation => ({
            kind: 'write',
            target: target(operand),
            mode: 'modify',
            via: 'awk -i inplace',
          }),
        ),
        // A program that prints every record (`{ gsub(...) } 1`) edits; any other replaces the file
        // with what it prints, which only running it tells.
        ...(operands[1] && !operands[1].dynamic && printsEveryRecord(operands[1].text)
          ? []
          : [
              {
                kind: 'opaque',
                reason: 'awk -i inplace replaces files with what its program prints',
                unseen: true,
              } as const,
            ]),
      ];
    case 'yq': {
      // `yq -i EXPR FILE...` edits the files in place.
      if (!flags.has('i') && !flags.has('inplace')) return [];
      const words = args.filter(
        (arg, i) =>
          !arg.text.startsWith('-') &&
          !/^-(o|p|I|s|-output-format|-input-format|-indent)$/.test(args[i - 1]?.text ?? ''),
      );
      return words
        .slice(1)
        .map((file) => ({ kind: 'write', target: target(file), mode: 'modify', via: 'yq -i' }));
    }
    case 'touch':
      return operands.map((operand) => ({ kind: 'write', target: target(operand), mode: 'create', via }));
    case 'sed':
      return [...sedCommands(args, context), ...inPlaceEdits(name, args, target)];
    case 'perl':
      return inPlaceEdits(name, args, target);
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      // chmod's mode may itself start with a dash (`chmod -x file`).
      const words = args.filter(
        (arg) =>
          !/^-[R]+$/.test(arg.text) &&
          !/^--(recursive|verbose|changes|silent|quiet)$/.test(arg.text) &&
          arg.text !== '--',
      );
      const [mode, ...paths] = name === 'chmod' ? words : operands;
      if (!mode) return [];
      const removesExecute = name === 'chmod' && /(^|,)[ugoa]*-[rwxXst]*x/.test(mode.text);
      return [
        {
          kind: 'chmod',
          targets: paths.map(target),
          recursive: flags.has('R') || flags.has('recursive'),
          removesExecute,
          via: `${name} ${mode.text}`,
        },
      ];
    }
    case 'kubectl':
      return args[0]?.text === 'delete' &&
        args.some((arg) =>
          /^(namespace|namespaces|ns|pv|persistentvolume|node|nodes|crd|--all|--all-namespaces|-A)$/.test(
            arg.text,
          ),
        )
        ? [{ kind: 'infra', what: `kubectl ${args.map((a) => a.text).join(' ')}` }]
        : [];
    case 'terraform':
    case 'tofu':
      return args.some((arg) => arg.text === 'destroy') ||
        (args[0]?.text === 'apply' && args.some((a) => a.text === '-destroy'))
        ? [{ kind: 'infra', what: `${name} destroy` }]
        : [];
    case 'mkfs':
    case 'wipefs':
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
      return [{ kind: 'infra', what: `${name} (disk)` }];
    default:
      if (name.startsWith('mkfs.')) return [{ kind: 'infra', what: `${name} (disk)` }];
      return [];
  }
}

/**
 * An awk program whose last rule prints every record unchanged in number (`1`, `{ print }`) and
 * that never skips, stops or redirects: an in-place edit, not a rewrite.
 */
function printsEveryRecord(program: string): boolean {
  if (
    /\b(next|nextfile|exit|getline|system|close)\b|[>|]|\bprintf?\b[^;}]*[>|]/.test(
      program.replace(/"[^"]*"|\/[^/]*\//g, '""'),
    )
  )
    return false;
  return /(^|[};\s])1\s*;?\s*$|(^|[};\s])\{\s*print(\s+\$0)?\s*;?\s*\}\s*$/.test(program.trim());
}

/** `-n`, `--no-clobber`, `--update=none`: an existing destination is not replaced. */
function keepsExisting(flags: Set<string>): boolean {
  return flags.has('n') || flags.has('no-clobber');
}

/** The scripts of a sed or perl command line: `-e s`, `--expression=s`, or the first operand. */
function scriptsOf(args: WordValue[]): { scripts: WordValue[]; files: WordValue[] } {
  const scripts: WordValue[] = [];
  const files: WordValue[] = [];
  let fromOption = false;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (/^-[a-zA-Z]*[eE]$/.test(text) || text === '--expression') {
      fromOption = true;
      if (args[i + 1]) scripts.push(args[++i]!);
    } else if (text.startsWith('--expression=')) {
      fromOption = true;
      scripts.push({ ...args[i]!, text: text.slice(13) });
    } else if (text === '-f' || text === '--file' || /^-[IM]$/.test(text)) {
      fromOption ||= text === '-f' || text === '--file';
      i++;
    } else if (!text.startsWith('-') || text === '-') files.push(args[i]!);
  }
  if (!fromOption && files.length) scripts.push(files.shift()!);
  return { scripts, files };
}

/** sed commands that run shell text (`e cmd`, `s/x/y/e`) or write files (`w file`). */
function sedCommands(args: WordValue[], context: Context): Operation[] {
  const operations: Operation[] = [];
  for (const script of scriptsOf(args).scripts) {
    if (script.dynamic) continue;
    for (const command of script.text.split(/[;\n]/)) {
      const body = command.trim().replace(/^(\d+|\$|\/[^/]*\/)(,(\d+|\$|\/[^/]*\/))?!?\s*/, '');
      const exec = /^e\s+(.+)$/s.exec(body);
      if (exec)
        operations.push({ kind: 'opaque', reason: `sed's e command runs \`${exec[1]}\``, unseen: true });
      if (/^s(.).*\1.*\1[gpI0-9]*e[gpI0-9]*$/.test(body))
        operations.push({
          kind: 'opaque',
          reason: "sed's s///e runs the pattern space as a command",
          unseen: true,
        });
      const write = /^(?:w|s(.).*\1.*\1[gpeI0-9]*w)\s+(\S+)$/.exec(body);
      if (write && write[2] !== '/dev/stdout' && write[2] !== '/dev/stderr')
        operations.push({
          kind: 'write',
          target: resolveTarget({ text: write[2]!, dynamic: false, glob: false }, context.scope.cwd),
          mode: 'overwrite',
          via: 'sed w',
        });
    }
  }
  return operations;
}

/** A sed script that deletes every line (`d`, `1,$d`, `/.*\/d`, `/^/d`). */
function deletesEverything(script: string): boolean {
  return (
    /^\s*((1\s*,\s*)?\$?\s*|\/(\.\*|\^|\$|\^\.\*\$?)\/\s*)?d\s*$/.test(script) ||
    /^\s*\$!?d\s*;\s*d\s*$/.test(script)
  );
}

/** A perl -i program that leaves every line empty: `-ni` without print, `$_ = ""`, `undef $_`. */
function perlEmpties(code: string, printing: boolean): boolean {
  if (!printing) return !/\bprint|\bsay\b|\bprintf/.test(code);
  return (
    /\$_\s*=\s*(''|""|q\(\)|undef)\s*;?\s*$/.test(code) ||
    /\bundef\s*\$_/.test(code) ||
    /^\s*s\/\.\*\/\/s?g?\s*;?\s*$/.test(code)
  );
}

/** `sed -i` and `perl -i` edit files in place; some scripts empty them. */
function inPlaceEdits(name: string, args: WordValue[], target: (value: WordValue) => Target): Operation[] {
  const inPlace = args.some((arg) => /^-[a-zA-Z0-9]*i/.test(arg.text) || arg.text.startsWith('--in-place'));
  if (!inPlace) return [];
  const { scripts, files } = scriptsOf(args);
  const quiet = args.some(
    (arg) => /^-[a-zA-Z]*n/.test(arg.text) || arg.text === '--quiet' || arg.text === '--silent',
  );
  const known = scripts.length > 0 && scripts.every((script) => !script.dynamic);
  const code = scripts.map((script) => script.text).join('\n');
  const destroys =
    known &&
    (name === 'sed'
      ? scripts.some((script) => deletesEverything(script.text)) ||
        (quiet && !/(^|[;\s}])p|\/p|w\s/.test(code))
      : perlEmpties(
          code,
          args.some((arg) => /^-[a-zA-Z]*p/.test(arg.text)),
        ));
  return files.map((file) => ({
    kind: 'write',
    target: target(file),
    mode: destroys ? 'destroy' : 'modify',
    via: `${name} -i`,
  }));
}

/** `ln -s TARGET LINK`: creates LINK, and the rest of the line reaches TARGET through it. */
function link(args: WordValue[], operands: WordValue[], context: Context): Operation[] {
  if (operands.length < 2) return [];
  const symbolic = args.some((arg) => /^-[a-zA-Z]*s/.test(arg.text) || arg.text === '--symbolic');
  const destination = operands[operands.length - 1]!;
  const linkTarget = resolveTarget(destination, context.scope.cwd);
  const pointed = operands[0]!;
  if (linkTarget.path && !pointed.dynamic) {
    const base = symbolic ? dirname(linkTarget.path) : context.scope.cwd;
    context.line.links.set(linkTarget.path, resolve(base, pointed.text));
  }
  // `ln -f` replaces an existing file with the link: its content is gone from that path.
  const force = args.some((arg) => /^-[a-zA-Z]*f/.test(arg.text) || /^--fo/.test(arg.text));
  if (force && operands.length === 2) {
    if (pointed.text === '/dev/null')
      return [{ kind: 'write', target: linkTarget, mode: 'destroy', via: 'ln -f to /dev/null' }];
    return [
      {
        kind: 'write',
        target: linkTarget,
        mode: 'overwrite',
        via: 'ln -f',
        ...(pointed.dynamic
          ? {}
          : { from: resolveTarget(pointed, symbolic ? dirname(linkTarget.path ?? '.') : context.scope.cwd) }),
      },
    ];
  }
  return [{ kind: 'write', target: linkTarget, mode: 'create', via: 'ln' }];
}

/** An editor command that deletes every line: `%d`, `1,$d`, ed's `,d`, `g/^/d`, `normal ggdG`. */
const DELETE_ALL =
  /^\s*:*\s*(?:(?:%|1\s*,\s*\$|0\s*,\s*\$|,)\s*d(?:e(?:l(?:e(?:t(?:e)?)?)?)?)?!?|g(?:lobal)?!?\/(?:\^|\$|\.\*|\^\.\*\$?)?\/\s*d(?:elete)?|%?\s*norm(?:al)?!?\s+ggdG)\s*$/;

function shellEscape(name: string, command: string): Operation[] {
  return [{ kind: 'opaque', reason: `${name} runs the shell command \`${command}\``, unseen: true }];
}

/** Editors: the files they open are edited; `-c '!cmd'` and `+'!cmd'` run shell commands. */
function editor(name: string, args: WordValue[], context: Context): Operation[] {
  const operations: Operation[] = [];
  // Emacs Lisp given on the command line or loaded from a file runs with every capability.
  if (
    name === 'emacs' &&
    args.some((arg) => /^--?(batch|eval|script|load|funcall|execute)(=|$)|^-[lf]$|^-x$/.test(arg.text))
  )
    operations.push({ kind: 'opaque', reason: 'emacs runs Lisp code given to it', unseen: true });
  const scripts: string[] = [];
  const files: WordValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    // `-c cmd`, and bundled with other flags (`ex -sc '%d|x'`).
    const command =
      text === '-c' || text === '--cmd' || (/^-[a-zA-Z]+c$/.test(text) && name !== 'emacs' && name !== 'nano')
        ? args[++i]
        : text.startsWith('+')
          ? { ...args[i]!, text: text.slice(1) }
          : undefined;
    if (command) {
      scripts.push(command.text);
      const bang = /(?:^|[|\s])(?:!|call\s+system\(|:!)(.*)$/.exec(command.text);
      if (bang || command.dynamic)
        operations.push({
          kind: 'opaque',
          reason: `${name} runs the shell command \`${bang?.[1] ?? command.text}\``,
          unseen: true,
        });
      continue;
    }
    if (/^-[a-zA-Z]*[sS]$/.test(text) && (name === 'vim' || name === 'vi' || name === 'ex')) continue;
    if (!text.startsWith('-')) files.push(args[i]!);
  }
  // ed and `ex -s` read their commands from standard input too.
  if (
    (name === 'ed' || name === 'red' || name === 'ex' || args.some((arg) => arg.text === '-s')) &&
    context.stdin
  ) {
    if (context.stdin.text === undefined)
      operations.push({
        kind: 'opaque',
        reason: `${name} runs commands only known when it runs`,
        unseen: true,
      });
    else {
      scripts.push(context.stdin.text);
      for (const line of context.stdin.text.split('\n'))
        if (/^\s*!/.test(line)) operations.push(...shellEscape(name, line.replace(/^\s*!/, '')));
    }
  }
  const destroys = scripts.some((script) =>
    script.split(/[|\n]/).some((command) => DELETE_ALL.test(command)),
  );
  for (const file of files)
    operations.push({
      kind: 'write',
      target: resolveTarget(file, context.scope.cwd),
      mode: destroys ? 'destroy' : 'modify',
      via: name,
    });
  return operations;
}

/** Archive extraction writes the archive's files into a folder: `-C dir`, `-d dir`, or here. */
function extract(name: string, args: WordValue[], context: Context): Operation[] {
  const words = args.map((arg) => arg.text);
  const extracting =
    name === 'unzip'
      ? !words.some((word) => /^-[a-zA-Z]*[lvtZ]/.test(word))
      : name === '7z'
        ? words[0] === 'x' || words[0] === 'e'
        : name === 'cpio'
          ? words.some((word) => /^-[a-zA-Z]*i|^--extract$/.test(word))
          : words.some(
              (word, i) =>
                /^--(extract|get)$/.test(word) ||
                /^-[a-zA-Z]*x/.test(word) ||
                (i === 0 && /^[a-zA-Z]*x[a-zA-Z]*$/.test(word)),
            );
  if (!extracting) return [];
  let dir: WordValue | undefined;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (
      (name !== 'unzip' && (text === '-C' || text === '--directory')) ||
      (name === 'unzip' && text === '-d')
    )
      dir = args[i + 1];
    else if (text.startsWith('--directory=')) dir = { ...args[i]!, text: text.slice(12) };
    else if (name === '7z' && text.startsWith('-o')) dir = { ...args[i]!, text: text.slice(2) };
  }
  dir ??= { text: '.', dynamic: false, glob: false };
  const into = everythingUnder(dir, context.scope.cwd);
  return [
    { kind: 'write', target: into, mode: 'overwrite', via: `${name} into ${dir.text}` },
    ...overUnknownFiles(`${name} extracts`, dir, context),
  ];
}

/**
 * An archive extracted, or a tree copied into a folder: which files it replaces, and with what, is
 * only known when it runs. Into a temporary folder it replaces nothing of the project.
 */
function overUnknownFiles(via: string, dir: WordValue, context: Context): Operation[] {
  const folder = resolveTarget(dir, context.scope.cwd).path;
  const temp = ['/tmp', '/var/tmp', context.scope.env.TMPDIR?.replace(/\/+$/, '')].filter(Boolean);
  if (folder && temp.some((base) => folder === base || folder.startsWith(`${base}/`))) return [];
  return [{ kind: 'opaque', reason: `${via} files only known when it runs into ${dir.text}`, unseen: true }];
}

/**
 * Compressors replace each file with its compressed (or decompressed) copy: the original is deleted,
 * unless kept (`-k`) or written to standard output (`-c`). zstd, lz4 and brotli keep it unless told.
 */
function compressed(
  name: string,
  args: WordValue[],
  operands: WordValue[],
  flags: Set<string>,
  target: (value: WordValue) => Target,
): Operation[] {
  const keepsByDefault = /^(un)?zstd$|^lz4$|^brotli$/.test(name);
  const removes = keepsByDefault ? flags.has('rm') || (name === 'brotli' && flags.has('j')) : true;
  const leaves = [
    'k',
    'keep',
    'c',
    'stdout',
    'to-stdout',
    't',
    'test',
    'l',
    'list',
    'help',
    'version',
    'V',
  ].some((flag) => flags.has(flag));
  // Options that take a value (`-S .z`, `--suffix z`, `-T 4`, `-o out`) are not files.
  const files = operands.filter(
    (operand) =>
      operand.text !== '-' &&
      !args.some(
        (arg, i) =>
          /^-[SbTpo]$|^--(suffix|threads|processes|blocksize|output)$/.test(arg.text) &&
          args[i + 1] === operand,
      ),
  );
  if (!removes || leaves || files.length === 0) return [];
  return [
    {
      kind: 'delete',
      targets: files.map(target),
      recursive: flags.has('r') || flags.has('recursive'),
      via: `${name} (replaces the file with its ${/^(un|gunzip|bunzip2)/.test(name) || flags.has('d') ? 'decompressed' : 'compressed'} copy)`,
    },
  ];
}

/** `tar --remove-files`, `7z a -sdel`: the files put in the archive are deleted afterwards. */
function archivedAway(name: string, args: WordValue[], target: (value: WordValue) => Target): Operation[] {
  const words = args.map((arg) => arg.text);
  if (name.startsWith('7z')) {
    if (!words.includes('-sdel') || !/^[au]$/.test(words[0] ?? '')) return [];
    const files = args.slice(1).filter((arg) => !arg.text.startsWith('-'));
    return files.length > 1
      ? [{ kind: 'delete', targets: files.slice(1).map(target), recursive: true, via: `${name} -sdel` }]
      : [];
  }
  if (name !== 'tar' && name !== 'bsdtar') return [];
  if (!words.some((word) => /^--rem/.test(word) && 'remove-files'.startsWith(word.slice(2)))) return [];
  const files: WordValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    // The archive (`-f x`, `-cf x`, `cf x`, `--file x`) and -C's folder take a value.
    if (
      /^-[a-zA-Z]*[fCTX]$/.test(text) ||
      /^--(file|directory|files-from|exclude-from)$/.test(text) ||
      (i === 0 && /^[a-zA-Z]*f[a-zA-Z]*$/.test(text) && !text.startsWith('-'))
    ) {
      i++;
      continue;
    }
    if (i === 0 && /^[a-zA-Z]+$/.test(text)) continue;
    if (!text.startsWith('-')) files.push(args[i]!);
  }
  return files.length
    ? [{ kind: 'delete', targets: files.map(target), recursive: true, via: 'tar --remove-files' }]
    : [];
}
