// Programs that write what they fetch (curl -o, wget -O, rsync), and those whose effect is
// somewhere else and cannot be undone (crontab -r, deleting repositories, releases and refs through
// gh): as operations the rules judge.
import { basename } from 'node:path';
import { type Context, everythingUnder, resolveTarget } from './analyze.js';
import type { Operation } from './types.js';
import type { WordValue } from './words.js';

/** The value of a short option that may be bundled (`-sSo file`, `-qO-`) or a long one (`--output=f`). */
function optionValues(args: WordValue[], short: string, long: string[]): WordValue[] {
  const values: WordValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--') break;
    const eq = text.indexOf('=');
    if (text.startsWith('--')) {
      const name = eq === -1 ? text.slice(2) : text.slice(2, eq);
      if (!long.includes(name)) continue;
      if (eq !== -1) values.push({ ...args[i]!, text: text.slice(eq + 1) });
      else if (args[i + 1]) values.push(args[++i]!);
    } else if (/^-[a-zA-Z0-9#]+/.test(text)) {
      const at = text.indexOf(short, 1);
      if (at === -1) continue;
      const rest = text.slice(at + 1);
      if (rest) values.push({ ...args[i]!, text: rest });
      else if (args[i + 1]) values.push(args[++i]!);
    }
  }
  return values;
}

const urlName = (args: WordValue[]) =>
  args.filter((arg) => /^[a-z]+:\/\//i.test(arg.text)).map((arg) => basename(arg.text.split(/[?#]/)[0]!));

export function networkOperations(name: string, args: WordValue[], context: Context): Operation[] {
  const target = (value: WordValue) => resolveTarget(value, context.scope.cwd);
  const write = (value: WordValue, via: string): Operation => ({
    kind: 'write',
    target: target(value),
    mode: 'overwrite',
    via,
  });
  switch (name) {
    case 'curl': {
      const outputs = optionValues(args, 'o', ['output']).filter((value) => value.text !== '-');
      const dir = optionValues(args, '\0', ['output-dir'])[0];
      const remote = args.some((arg) => /^-[a-zA-Z]*O$|^--remote-name(-all)?$/.test(arg.text));
      const names = [
        ...outputs,
        ...(remote ? urlName(args).map((text) => ({ text, dynamic: false, glob: false })) : []),
      ];
      return names.map((value) =>
        write(dir ? { ...value, text: `${dir.text}/${value.text}` } : value, `curl -o ${value.text}`),
      );
    }
    case 'wget': {
      const outputs = optionValues(args, 'O', ['output-document']).filter((value) => value.text !== '-');
      if (outputs.length) return outputs.map((value) => write(value, `wget -O ${value.text}`));
      const dir = optionValues(args, 'P', ['directory-prefix'])[0];
      return urlName(args).map((text) =>
        write(
          { text: dir ? `${dir.text}/${text}` : text, dynamic: dir?.dynamic ?? false, glob: false },
          'wget',
        ),
      );
    }
    case 'aria2c':
    case 'axel': {
      // aria2c -o NAME [-d DIR] URL, axel -o PATH URL.
      const outputs = optionValues(args, 'o', ['out', 'output']);
      const dir = name === 'aria2c' ? optionValues(args, 'd', ['dir'])[0] : undefined;
      const names = outputs.length
        ? outputs
        : urlName(args).map((text) => ({ text, dynamic: false, glob: false }));
      return names.map((value) =>
        write(dir ? { ...value, text: `${dir.text}/${value.text}` } : value, `${name} ${value.text}`),
      );
    }
    case 'rsync':
      return rsync(args, context);
    case 'crontab':
      return args.some((arg) => /^-[a-zA-Z]*[lT]$/.test(arg.text))
        ? []
        : [
            {
              kind: 'infra',
              what: `crontab ${args.map((a) => a.text).join(' ')} (replaces or removes the user's scheduled jobs)`,
            },
          ];
    case 'gh': {
      const words = args.map((arg) => arg.text);
      if (
        words[1] === 'delete' ||
        words[1] === 'delete-asset' ||
        (words[0] === 'repo' && words[1] === 'archive')
      )
        return [{ kind: 'infra', what: `gh ${words.slice(0, 3).join(' ')}` }];
      if (words[0] === 'api') {
        const method = optionValues(args, 'X', ['method'])[0]?.text.toUpperCase();
        if (method === 'DELETE') return [{ kind: 'infra', what: `gh ${words.join(' ')}` }];
        if (method && method !== 'GET' && words.some((word) => /refs|git\/|force/.test(word)))
          return [{ kind: 'infra', what: `gh ${words.join(' ')} (moves a ref on the server)` }];
      }
      return [];
    }
    default:
      return [];
  }
}

/** rsync SRC... DEST: writes into DEST; --delete removes what is not in SRC; sources removed on request. */
function rsync(args: WordValue[], context: Context): Operation[] {
  const operands = args.filter((arg) => !arg.text.startsWith('-'));
  if (operands.length < 2) return [];
  // `-n`, `--dry-run`: rsync only reports what it would do.
  if (args.some((arg) => arg.text === '--dry-run' || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(arg.text))) return [];
  const destination = operands[operands.length - 1]!;
  if (/^[^/]*:/.test(destination.text)) return [];
  const into = everythingUnder(destination, context.scope.cwd);
  const operations: Operation[] = [{ kind: 'write', target: into, mode: 'overwrite', via: 'rsync' }];
  // `--del` is `--delete-during`.
  if (args.some((arg) => arg.text.startsWith('--delete') || arg.text === '--del'))
    operations.push({
      kind: 'delete',
      targets: [resolveTarget(destination, context.scope.cwd)],
      recursive: true,
      via: 'rsync --delete',
    });
  if (args.some((arg) => arg.text === '--remove-source-files' || arg.text === '--remove-sent-files'))
    operations.push({
      kind: 'delete',
      targets: operands.slice(0, -1).map((source) => resolveTarget(source, context.scope.cwd)),
      recursive: true,
      via: 'rsync --remove-source-files',
    });
  return operations;
}
