// A full garbage collection on demand without starting node with --expose-gc (the npm script runs tsx):
// the flag can be turned on at run time, and `gc` is then defined in any new context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
