/**
 * One action at a time from a menu: `busy` while it runs (buttons disable on it), and a failure
 * goes to `onerror` with its context instead of being thrown.
 */
export function busyAction(onerror: () => (err: unknown, context: string) => void): { readonly busy: boolean; run(work: () => Promise<unknown>, context: string): Promise<void> } {
  let busy = $state(false);
  return {
    get busy() {
      return busy;
    },
    async run(work, context) {
      busy = true;
      try {
        await work();
      } catch (err) {
        onerror()(err, context);
      } finally {
        busy = false;
      }
    },
  };
}
