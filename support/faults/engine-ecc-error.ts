import { EngineDriverResetFault } from './engine-driver-reset';
import type { ExploreForms } from './explore-form';
import { declareKind } from './kind';

/**
 * An uncorrectable ECC error in the GPU memory under an engine: llama.cpp writes the CUDA error and exits non-zero,
 * as for a driver reset, with its own words (cudaErrorECCUncorrectable). The pool manager must surface it distinctly
 * from a crash and from a driver reset (ORCH-3053). Proven the same way: the pid gone, the error line in the log.
 */
export class EngineEccErrorFault extends EngineDriverResetFault {
  override readonly kind = 'engine.ecc-error' as const;

  describe(): string {
    return `uncorrectable GPU ECC error under ${this.target.description}`;
  }
}

/** The explorer's form of an ECC error: the engine dies (its supervisor restarts it). */
export const ECC_ERROR_FORMS = {
  'engine-ecc-error': {
    place: 'engine',
    inject: (r) => `the engine of replica ${r} suffers an uncorrectable GPU memory error`,
    busyMs: 1500,
    // Told apart from a crash and from each other (ORCH-3053), by the pool manager's counters: where it ran all along.
    settledCheck: {
      step: 'the pool manager counts every driver reset and ECC error the faults caused, and no other',
      unless: ['pool-manager'],
    },
    needs: ['ecc-error'],
  },
} satisfies ExploreForms;

/** The kind, declared once (support/faults/kind.ts): the registry, the tags, the checker and the explorer read it. */
export const ENGINE_ECC_ERROR = declareKind(
  {
    kind: 'engine.ecc-error',
    meaning: 'an engine dies of an uncorrectable GPU ECC error, as llama.cpp reports it',
    file: __filename,
    errors: ['WORKER_RESET', 'POOL_UNAVAILABLE'],
    endsProcess: true,
    needs: {
      'ecc-error': 'an engine can be made to die of an uncorrectable GPU ECC error the way llama.cpp reports it (faults.engine.ecc-error)',
    },
    mechanism: 'signal-hook',
    explore: ECC_ERROR_FORMS,
  },
  EngineEccErrorFault,
);
