// What file commands do to files: rm, shred, truncate, dd, cp, mv, tee, touch, sed -i, chmod...
// and the few irreversible infrastructure commands, as operations the rules judge.
import { type Context, resolveTarget } from './analyze.js';
import type { Operation, Target } from './types.js';
import type { WordValue } from './words.js';

/** Flags of a command as a set of letters and long names: `-rf --force` → r, f, force. */
function flagsOf(args: WordValue[]): { flags: Set<string>; operands: WordValue[] } {
  const flags = new Set<string>();
  const operands: WordValue[] = [];
  let done = false;
  for (const arg of args) {
    if (!done && arg.text === '--') done = true;
    else if (!done && arg.text.startsWith('--') && !arg.dynamic) flags.add(arg.text.slice(2).split('=')[0]!);
    else if (!done && /^-[a-zA-Z]+$/.test(arg.text))
      for (const letter of arg.text.slice(1)) flags.add(letter);
    else operands.push(arg);
  }
  return { flags, operands };
}

export function fileOperations(name: string, args: WordValue[], context: Context): Operation[] {
  const cwd = context.scope.cwd;
  const target = (value: WordValue) => resolveTarget(value, cwd);
  const { flags, operands } = flagsOf(args);
  const via = name;
  switch (name) {
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
    case 'cp':
    case 'install':
    case 'ln': {
      if (operands.length < 2 || flags.has('t')) return [];
      const destination = operands[operands.length - 1]!;
      const fromNull = operands
        .slice(0, -1)
        .some((operand) => operand.text === '/dev/null' || operand.text === '/dev/zero');
      return [{ kind: 'write', target: target(destination), mode: fromNull ? 'destroy' : 'overwrite', via }];
    }
    case 'mv': {
      if (operands.length < 2) return [];
      const destination = operands[operands.length - 1]!;
      const sources = operands.slice(0, -1).map(target);
      if (destination.text === '/dev/null')
        return [{ kind: 'delete', targets: sources, recursive: true, via: 'mv to /dev/null' }];
      return [{ kind: 'move', from: sources, to: target(destination), via }];
    }
    case 'tee':
      return operands.map((operand) => ({
        kind: 'write',
        target: target(operand),
        mode: flags.has('a') || flags.has('append') ? 'append' : 'overwrite',
        via,
      }));
    case 'touch':
      return operands.map((operand) => ({ kind: 'write', target: target(operand), mode: 'create', via }));
    case 'sed':
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

/** `sed -i` and `perl -i` edit files in place; `sed -i '1,$d'` (or `d`) empties them. */
function inPlaceEdits(name: string, args: WordValue[], target: (value: WordValue) => Target): Operation[] {
  const inPlace = args.some((arg) => /^-[a-zA-Z]*i/.test(arg.text) || arg.text.startsWith('--in-place'));
  if (!inPlace) return [];
  const rest = args.filter((arg) => !arg.text.startsWith('-'));
  const scriptGiven = args.some(
    (arg) => arg.text === '-e' || arg.text === '--expression' || arg.text === '-f',
  );
  const script = scriptGiven ? undefined : rest[0];
  const files = scriptGiven ? rest : rest.slice(1);
  const destroys = name === 'sed' && script !== undefined && /^\s*(1\s*,\s*\$\s*)?d\s*$/.test(script.text);
  return files.map((file) => ({
    kind: 'write',
    target: target(file),
    mode: destroys ? 'destroy' : 'modify',
    via: `${name} -i`,
  }));
}
