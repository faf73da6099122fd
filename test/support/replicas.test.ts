import { describe, it } from 'node:test';
import { expect } from 'chai';
import { everReported, notReadyThroughout } from '../../support/checks/readiness';

const sample = (at: number, state?: string, excused = false) => ({
  at,
  ok: state !== undefined,
  seen: state ? 'HTTP 200' : 'ECONNREFUSED',
  excused,
  replicas: state ? { r1: state } : undefined,
});

describe('replica states over a window of pool health samples', () => {
  it('ready throughout: every sample of the window shows it ready; an unanswered sample proves nothing', () => {
    const samples = [sample(0, 'unready'), sample(100, 'ready'), sample(200, 'ready')];
    expect(notReadyThroughout(samples, 'r1', 100)).to.deep.equal([]);
    expect(notReadyThroughout(samples, 'r1', 0)).to.have.length(1);
    expect(notReadyThroughout([...samples, sample(300)], 'r1', 100)[0]).to.contain('no answer (ECONNREFUSED)');
    expect(notReadyThroughout([...samples, sample(300, undefined, true)], 'r1', 100), 'excused: stopped on purpose').to.deep.equal([]);
    expect(notReadyThroughout(samples, 'r1', 500)[0]).to.contain('no pool health sample');
  });

  it('taken out of service counts only what was reported after the fault began', () => {
    const samples = [sample(0, 'starting'), sample(100, 'ready'), sample(200, 'unreachable')];
    expect(everReported(samples, 'r1', ['starting'], 50), 'the start-up state before the fault').to.equal(false);
    expect(everReported(samples, 'r1', ['unreachable'], 50)).to.equal(true);
  });
});
