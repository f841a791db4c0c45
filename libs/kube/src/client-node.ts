import type * as ClientNode from '@kubernetes/client-node';

export type ClientNodeModule = typeof ClientNode;

let loaded: ClientNodeModule | undefined;

/**
 * @kubernetes/client-node 1.x is an ES module. Node 20.19+ can require() it, but Jest's CommonJS
 * runtime cannot, and replaces `require` (and `module.createRequire`) with its own. Loading it through
 * Node's own loader, fetched with process.getBuiltinModule, works the same in the built control plane,
 * in ts-node and under Jest. Only this file touches the package at run time; everything else imports
 * its types, which TypeScript erases.
 */
export function clientNode(): ClientNodeModule {
  if (!loaded) {
    const { createRequire } = process.getBuiltinModule('node:module');
    loaded = createRequire(__filename)('@kubernetes/client-node') as ClientNodeModule;
  }
  return loaded;
}
