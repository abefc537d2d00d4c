/**
 * Waits until `check` holds, looking again every `everyMs`; after `timeoutMs` it fails with
 * "never: " and `what` (a function is asked only then, so it can count what did arrive).
 */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 60_000, everyMs = 25): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`never: ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
