/**
 * A timeout that fits the work: the running test gets `ms` for each step of it, counted again at
 * every call of the function returned (a probe answered, a process restarted). A busy machine
 * makes such a test take longer without failing it; one step that hangs still fails it, after `ms`.
 */
export function perStep(test: Mocha.Context, ms: number): () => void {
  const step = () => void test.timeout(ms);
  step();
  return step;
}
