/** The words of the drill CLI (`npm run kube-fault`), turned into a request for a cluster's fault endpoint. */
import type { FaultRequest } from '@polis/kube-emulator';

export const FAULT_USAGE = `Usage: kube-fault KUBECONFIG [SWITCH]

Switches a fault of one cluster of the local Kubernetes API (the Polis kube-emulator) on its loopback
admin listener, found in KUBECONFIG's sibling <cluster>.faults-url; authenticates with KUBECONFIG's token.

Switches:
  (none)                 print the cluster's fault state
  refused [off]          the API stops listening: connections refused (until "refused off" or "clear")
  partition [off]        connections accepted and never answered: clients time out (until "partition off")
  unavailable [off]      every API request answers 503
  not-ready NODE         node NotReady (its pods unready);  ready NODE  brings it back
  throttle N [SECONDS]   429 with Retry-After for the next N requests
  conflicts N            409 Conflict for the next N writes
  drop-watches           ends every open watch
  clear                  clears refused, partition, unavailable, throttle and conflicts (not NotReady nodes)
  '{"refused":true}'     any JSON fault request, as documented in docs/kube-emulator.md`;

export class FaultUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultUsageError';
  }
}

function count(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value))
    throw new FaultUsageError(`${name} needs a non-negative integer, got "${value ?? ''}"`);
  return Number(value);
}

function onOff(word: string, value: string | undefined): boolean {
  if (value === undefined || value === 'on') return true;
  if (value === 'off') return false;
  throw new FaultUsageError(`${word} takes "on" or "off", got "${value}"`);
}

/** The fault request a switch asks for; undefined means "show the state". */
export function faultRequestOf(words: readonly string[]): FaultRequest | undefined {
  const [word, first, second, ...extra] = words;
  if (word === undefined) return undefined;
  const arity = (max: number): void => {
    if ([first, second, ...extra].filter((w) => w !== undefined).length > max)
      throw new FaultUsageError(`too many arguments for ${word}`);
  };
  switch (word) {
    case 'refused':
      arity(1);
      return { refused: onOff(word, first) };
    case 'partition':
      arity(1);
      return { partitioned: onOff(word, first) };
    case 'unavailable':
      arity(1);
      return { unavailable: onOff(word, first) };
    case 'not-ready':
    case 'ready':
      arity(1);
      if (!first) throw new FaultUsageError(`${word} needs a node name`);
      return { nodeReady: { node: first, ready: word === 'ready' } };
    case 'throttle':
      arity(2);
      return {
        throttle: {
          requests: count('throttle', first),
          retryAfterSeconds: second === undefined ? 1 : count('throttle SECONDS', second),
        },
      };
    case 'conflicts':
      arity(1);
      return { conflicts: count('conflicts', first) };
    case 'drop-watches':
      arity(0);
      return { dropWatches: true };
    case 'clear':
      arity(0);
      return { clear: true };
    default:
      if (word.trim().startsWith('{')) {
        arity(0);
        try {
          return JSON.parse(word) as FaultRequest; // the endpoint validates it
        } catch {
          throw new FaultUsageError('the JSON fault request does not parse');
        }
      }
      throw new FaultUsageError(`unknown switch "${word}"`);
  }
}
