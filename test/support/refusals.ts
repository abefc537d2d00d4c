import assert from 'node:assert/strict';
import { Refusal } from '../../bot/domain/problems';

/** The problem codes of the refusal the call throws; fails the test when it throws none. */
export function refusedWith(call: () => unknown): string[] {
  try {
    call();
  } catch (err) {
    if (err instanceof Refusal) return err.problems.map((p) => p.code);
    throw err;
  }
  assert.fail('expected a refusal');
}
