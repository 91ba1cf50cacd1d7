// Symbolic links: a write through `up/` lands where `up` points. Targets are rewritten to the path
// the effect really reaches, given a way to resolve a path: the links a command line creates
// (`ln -s .. up && rm -rf up/`) here, the links on disk in the adapter (the same function, another
// resolver). A delete or move of the link itself (`rm up`, no trailing slash) touches only the link.
import { sep } from 'node:path';
import type { Operation, Target } from './types.js';

/** Maps an absolute path to the path it reaches, or returns it unchanged. */
export type LinkResolver = (path: string, followLast: boolean) => string;

/** A resolver over a table of links (link path → the absolute path it points to). */
export function tableResolver(links: Map<string, string>): LinkResolver {
  return (path, followLast) => {
    for (let round = 0; round < 8; round++) {
      let changed = false;
      for (const [link, to] of links) {
        if (path === link ? followLast : path.startsWith(`${link}${sep}`)) {
          path = to + path.slice(link.length);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return path;
  };
}

function follow(target: Target, resolve: LinkResolver, followLast: boolean): Target {
  if (!target.path) return target;
  const path = resolve(target.path, followLast || /[/\\]\.?$/.test(target.raw));
  return path === target.path ? target : { ...target, path };
}

/** The operations with every target replaced by the path the effect reaches. */
export function resolveOperations(operations: Operation[], resolve: LinkResolver): Operation[] {
  return operations.map((operation) => {
    switch (operation.kind) {
      case 'delete':
        return { ...operation, targets: operation.targets.map((t) => follow(t, resolve, false)) };
      case 'chmod':
        return { ...operation, targets: operation.targets.map((t) => follow(t, resolve, true)) };
      case 'write':
        // `ln -s x P` creates P itself: a link already at P is replaced, not written through.
        return { ...operation, target: follow(operation.target, resolve, !operation.via.startsWith('ln')) };
      case 'move':
        return {
          ...operation,
          from: operation.from.map((t) => follow(t, resolve, false)),
          to: follow(operation.to, resolve, true),
        };
      case 'script':
        return { ...operation, target: follow(operation.target, resolve, true) };
      default:
        return operation;
    }
  });
}

export function followLinks(operations: Operation[], links: Map<string, string>): Operation[] {
  return links.size ? resolveOperations(operations, tableResolver(links)) : operations;
}
