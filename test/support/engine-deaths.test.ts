import { describe, it } from 'node:test';
import { expect } from 'chai';
import type { FaultRecord } from '../../support/faults/ledger';
import { engineOf } from '../../support/faults/subjects';
import { EngineDeaths } from '../../support/observe/engine-deaths';
import type { OrchestratorClient } from '../../support/orchestrator/client';

/** A client whose pool view gives each replica the restarts of `restarts`, or fails when it is undefined. */
function viewing(restarts?: Record<string, number>): OrchestratorClient {
  return {
    poolHealth: async () => {
      if (!restarts) throw new Error('connect ECONNREFUSED');
      return { status: 200, body: { replicas: Object.entries(restarts).map(([replica_id, n]) => ({ replica_id, restarts: n })) } };
    },
  } as unknown as OrchestratorClient;
}

const confirmed = (kind: string, subject: string): FaultRecord => ({
  kind,
  description: kind,
  subject,
  evidence: { verdict: 'confirmed', observed: {} },
});

describe('engine deaths: "ready again" waits for one restart more than before each engine a fault ended', () => {
  it('a killed engine is due one restart more than its replica had before the fault; the last death of a replica counts', async () => {
    const deaths = new EngineDeaths();
    await deaths.note(confirmed('process.kill', engineOf('r1')), viewing({ r1: 2, r2: 0 }), 'p');
    await deaths.note(confirmed('engine.driver-reset', engineOf('r2')), viewing({ r1: 2, r2: 0 }), 'p');
    await deaths.note(confirmed('process.kill', engineOf('r1')), viewing({ r1: 3, r2: 1 }), 'p');
    expect([...deaths.due()]).to.deep.equal([
      ['r1', 4],
      ['r2', 1],
    ]);
  });

  it('a fault that ends no engine, one on another process, one not confirmed, or one with no view to compare: nothing due', async () => {
    const deaths = new EngineDeaths();
    await deaths.note(confirmed('process.pause', engineOf('r1')), viewing({ r1: 0 }), 'p');
    await deaths.note(confirmed('process.kill', 'the pool-manager'), viewing({ r1: 0 }), 'p');
    await deaths.note(
      { ...confirmed('process.kill', engineOf('r1')), evidence: { verdict: 'mismatch', observed: {} } },
      viewing({ r1: 0 }),
      'p',
    );
    await deaths.note(confirmed('process.kill', engineOf('r2')), viewing(undefined), 'p');
    expect(deaths.due().size).to.equal(0);
  });
});
