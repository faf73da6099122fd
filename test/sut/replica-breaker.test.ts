import { describe, it } from 'node:test';
import { expect } from 'chai';
import pino from 'pino';
import { ReplicaDirectory, ReplicaView } from '../../sut/orchestratord/replicas';

const options = {
  poolManagerUrl: 'http://127.0.0.1:1',
  pollMs: 1000,
  probeMs: 1000,
  probeTimeoutMs: 100,
  probeFailureThreshold: 3,
  breakerThreshold: 3,
  breakerCooldownMs: 30,
};
const replica = (): ReplicaView => ({
  pool_id: 'p0',
  replica_id: 'r1',
  url: 'http://127.0.0.1:1',
  managerState: 'ready',
  restarts: 0,
  driver_resets: 0,
  slots_total: 2,
  probeFailures: 0,
  inflight: 0,
  consecutiveFailures: 0,
  breaker: 'closed',
  breakerOpenedAt: 0,
  breakerOpenUntil: 0,
  trialInFlight: false,
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-replica circuit breaker and reachability in the orchestrator', () => {
  const directory = new ReplicaDirectory(options, pino({ level: 'silent' }));

  it('opens after the threshold of consecutive dispatch failures, not before', () => {
    const r = replica();
    directory.reportFailure(r, 'reset');
    directory.reportFailure(r, 'reset');
    expect(directory.isServing(r)).to.equal(true);
    directory.reportFailure(r, 'reset');
    expect(r.breaker).to.equal('open');
    expect(directory.isServing(r)).to.equal(false);
    expect(directory.stateOf(r)).to.equal('breaker-open');
  });

  it('half-opens after the cool-down, lets one trial through, and closes on its success', async () => {
    const r = replica();
    for (let i = 0; i < 3; i++) directory.reportFailure(r, 'reset');
    await wait(40);
    expect(directory.isServing(r)).to.equal(true);
    expect(r.breaker).to.equal('half-open');
    directory.dispatchStarted(r);
    expect(directory.isServing(r), 'a second trial while the first is in flight').to.equal(false);
    directory.reportSuccess(r);
    directory.dispatchEnded(r);
    expect(r.breaker).to.equal('closed');
    expect(directory.isServing(r)).to.equal(true);
  });

  it('opens again at once when the half-open trial fails', async () => {
    const r = replica();
    for (let i = 0; i < 3; i++) directory.reportFailure(r, 'reset');
    await wait(40);
    directory.isServing(r);
    directory.dispatchStarted(r);
    directory.reportFailure(r, 'reset again');
    expect(r.breaker).to.equal('open');
    expect(directory.isServing(r)).to.equal(false);
  });

  it('a success of a dispatch that started before the breaker opened does not close it', () => {
    const r = replica();
    const startedBefore = Date.now() - 1;
    for (let i = 0; i < 3; i++) directory.reportFailure(r, 'reset');
    directory.reportSuccess(r, startedBefore);
    expect(r.breaker).to.equal('open');
  });

  it('counts a replica unreachable only after the threshold of consecutive failed probes', () => {
    const r = replica();
    r.probeFailures = 2;
    expect(directory.isServing(r)).to.equal(true);
    r.probeFailures = 3;
    expect(directory.isServing(r)).to.equal(false);
    expect(directory.stateOf(r)).to.equal('unreachable');
  });

  it('never serves a replica the pool manager does not report ready', () => {
    const r = { ...replica(), managerState: 'starting' };
    expect(directory.isServing(r)).to.equal(false);
    expect(directory.stateOf(r)).to.equal('starting');
  });

  it('counts failures in a row in send order: a dispatch sent between them and still streaming separates them', () => {
    const r = replica();
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map(() => directory.dispatchStarted(r));
    directory.reportFailure(r, 'reset', s1);
    directory.reportFailure(r, 'reset', s2);
    directory.reportFailure(r, 'reset', s4);
    expect(r.breaker, 'two failures, a dispatch still streaming, one failure').to.equal('closed');
    directory.reportFailure(r, 'reset', s3);
    expect(r.breaker, 'the streaming one failed too: four in a row').to.equal('open');
    expect(r.consecutiveFailures).to.equal(4);
  });

  it('a success ends the run of failures sent before it, whenever it ends', () => {
    const r = replica();
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map(() => directory.dispatchStarted(r));
    directory.reportFailure(r, 'reset', s1);
    directory.reportFailure(r, 'reset', s3);
    directory.reportFailure(r, 'reset', s4);
    directory.reportSuccess(r, Date.now(), s2);
    expect(r.breaker).to.equal('closed');
    const s5 = directory.dispatchStarted(r);
    directory.reportFailure(r, 'reset', s5);
    expect(r.breaker, 'the run after the success: s3, s4, s5').to.equal('open');
  });

  it('a dispatch that completes shows the replica reachable, whatever the last probes said', () => {
    const r = replica();
    r.probeFailures = 3;
    expect(directory.isReachable(r)).to.equal(false);
    directory.reportSuccess(r, Date.now(), directory.dispatchStarted(r));
    expect(directory.isReachable(r)).to.equal(true);
  });

  it('a half-open trial that ends with no verdict (a poison rejected, a busy engine, a cancel) lets the next dispatch be the trial', async () => {
    const r = replica();
    for (let k = 0; k < 3; k++) directory.reportFailure(r, 'reset');
    await wait(options.breakerCooldownMs + 10);
    expect(directory.isServing(r), 'half-open after the cool-down').to.equal(true);
    const trial = directory.dispatchStarted(r);
    expect(directory.isServing(r), 'while the trial is in flight').to.equal(false);
    directory.dispatchEnded(r, trial); // neither reportSuccess nor reportFailure: the trial said nothing
    expect(directory.isServing(r), 'once the trial ended with no verdict').to.equal(true);
    expect(r.breaker).to.equal('half-open');
  });
});
