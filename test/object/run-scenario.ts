// Loads a fixture on a backend, sets it up as its scenario says, and runs the scenario's inputs in order.
import { loadObject, type BpfObject, type LoadObjectOptions, type TestRunResult } from '../../src/object/index.js';
import { KernelError } from '../../src/kernel/errors.js';
import { TestRunInputError } from '../../src/progtypes/errors.js';
import { fixturePath } from '../support/fixtures.js';
import type { Scenario } from './scenarios.js';

/** A run's result, or the errno with which the backend refused its input (as BPF_PROG_TEST_RUN does). */
export type RunOutcome = TestRunResult | { readonly refused: number };

export interface ScenarioOutcome {
  readonly obj: BpfObject;
  readonly results: RunOutcome[];
}

/** The result of a run that must have completed. */
export function completed(outcome: RunOutcome): TestRunResult {
  if ('refused' in outcome) throw new Error(`the run was refused with errno ${outcome.refused}`);
  return outcome;
}

function refusal(err: unknown): number | null {
  if (err instanceof KernelError && err.command === 'BPF_PROG_TEST_RUN') return err.errno;
  if (err instanceof TestRunInputError) return err.errno;
  return null;
}

export async function loadScenario(scenario: Scenario, options: LoadObjectOptions): Promise<BpfObject> {
  const obj = await loadObject(fixturePath(scenario.fixture), { ...options, ...(scenario.globals ? { globals: scenario.globals } : {}) });
  try {
    scenario.setup?.(obj);
  } catch (err) {
    obj.close();
    throw err;
  }
  return obj;
}

/** Runs every input; the object stays open for the caller to inspect (and close). */
export async function runScenario(scenario: Scenario, options: LoadObjectOptions): Promise<ScenarioOutcome> {
  const obj = await loadScenario(scenario, options);
  const results: RunOutcome[] = [];
  try {
    for (const run of scenario.runs) {
      try {
        results.push(obj.program(run.program).testRun({
          ...(run.dataIn ? { dataIn: run.dataIn } : {}),
          ...(run.ctxIn ? { ctxIn: run.ctxIn } : {}),
          repeat: run.repeat ?? 1,
          cpu: run.cpu ?? 0,
        }));
      } catch (err) {
        const errno = refusal(err);
        if (errno === null) throw err;
        results.push({ refused: errno });
      }
    }
  } catch (err) {
    obj.close();
    throw err;
  }
  return { obj, results };
}
