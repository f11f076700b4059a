import type { AxonClient } from '../../../src/shared/api-client';

type Method = keyof AxonClient;

export interface FakeClient<K extends Method> {
  /** What the component gets: only the methods given exist; calling any other one throws. */
  client: AxonClient;
  /** Every call the component made, in order. */
  calls: { method: K; args: unknown[] }[];
  /** The arguments of each call to one method, in order. */
  argsOf<M extends K>(method: M): Parameters<AxonClient[M]>[];
}

/**
 * An AxonClient for a component test from just the methods that component calls. Each call is
 * recorded before the given implementation runs, so a test can check what the UI asked for even
 * when the answer is a rejection.
 */
export function fakeClient<K extends Method>(methods: Pick<AxonClient, K>): FakeClient<K> {
  const calls: { method: K; args: unknown[] }[] = [];
  const impl: Partial<Record<Method, (...args: unknown[]) => unknown>> = {};
  for (const name of Object.keys(methods) as K[]) {
    const fn = methods[name] as (...args: unknown[]) => unknown;
    impl[name] = (...args: unknown[]) => {
      calls.push({ method: name, args });
      return fn(...args);
    };
  }
  // A method the test did not give is a test bug (or a component calling something new): say which.
  const client = new Proxy(impl, {
    get(target, prop) {
      if (typeof prop === 'string' && !(prop in target)) throw new Error(`fake client: the component called ${prop}, which this test does not provide`);
      return Reflect.get(target, prop);
    },
  }) as Pick<AxonClient, K> as AxonClient;
  return {
    client,
    calls,
    argsOf: <M extends K>(method: M) => calls.filter((c) => c.method === method).map((c) => c.args as Parameters<AxonClient[M]>),
  };
}

/** A promise with its settlement in the test's hands (to look at the UI while a call runs). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (err: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
