/**
 * A timeout that fits the work: each step of the running test (a probe answered, a process
 * restarted) may take `ms`, however long the steps before it took. The function returned marks the
 * start of a step. A busy machine makes such a test take longer without failing it; a step that
 * hangs still fails it. (Mocha holds a test to one timeout, checked again against its whole duration
 * when it ends: so the timeout becomes the time run so far plus `ms` at each step, and a hang is
 * caught at the latest that long after its step began.)
 */
export function perStep(test: Mocha.Context, ms: number): () => void {
  const started = Date.now();
  const step = () => void test.timeout(Date.now() - started + ms + 1000);
  step();
  return step;
}
