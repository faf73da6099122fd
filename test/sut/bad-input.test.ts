import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import { ProcessSpec } from '../../support/processes/process-spec';
import { reapAll } from '../../support/processes/reaper';
import type { RunningProcess } from '../../support/processes/running-process';
import { Wait } from '../../support/processes/wait/wait';
import { freePort } from '../../support/stack/ports';
import { tempDir } from '../temp-dir';

const root = path.resolve(__dirname, '..', '..');
const dist = (p: string): string => path.join(root, 'dist', 'sut', p);
const tmp = tempDir('bad-input-');

const task = (overrides: Record<string, unknown> = {}) => ({
  task_id: `t-${Math.random().toString(36).slice(2)}`,
  session_id: 's',
  workload: 'completion',
  model_ref: 'm',
  engine: 'llamacpp',
  ctx: 100,
  priority: 'interactive',
  max_tokens: 4,
  deadline_ms: 1000,
  ...overrides,
});

describe('the reference stack answers bad input with the envelope and a 4xx, and never crashes', () => {
  let orchestrator: RunningProcess;
  let base = '';
  const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${base}${url}`, { method: 'POST', body, headers });

  before(async () => {
    const port = await freePort();
    const nobody = await freePort(); // no pool manager listens here: the orchestrator knows no pool
    base = `http://127.0.0.1:${port}`;
    orchestrator = await new ProcessSpec('orchestratord', ['node', dist('orchestratord/main.js')])
      .withEnv({
        ORCHD_ADDR: `127.0.0.1:${port}`,
        POOL_MANAGERD_URL: `http://127.0.0.1:${nobody}`,
        ORCHD_DB: path.join(tmp, 'tasks.db'),
        ORCHD_BODY_LIMIT_BYTES: '2048',
        ORCHD_POOL_POLL_MS: '50',
      })
      .withWaitStrategy(Wait.forHttp(`${base}/livez`).forStatus(200))
      .start();
  });

  after(async () => {
    await orchestrator?.stop(1000);
    reapAll();
  });

  it('malformed JSON → 400 INVALID_PARAMS with a correlation id', async () => {
    const res = await post('/v2/tasks', '{"task_id": ');
    expect(res.status).to.equal(400);
    expect(res.headers.get('x-correlation-id')).to.match(/^[0-9a-f-]{36}$/);
    expect(await res.json()).to.include({ code: 'INVALID_PARAMS', retriable: false });
  });

  it('wrong types and missing fields → 400 INVALID_PARAMS naming the field', async () => {
    const res = await post('/v2/tasks', JSON.stringify(task({ ctx: 'lots' })));
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).to.equal('INVALID_PARAMS');
    expect(body.message).to.contain('ctx');
  });

  it('an infeasible deadline → 400 DEADLINE_UNMET', async () => {
    const res = await post('/v2/tasks', JSON.stringify(task({ deadline_ms: 0 })));
    expect(res.status).to.equal(400);
    expect(await res.json()).to.include({ code: 'DEADLINE_UNMET' });
  });

  it('a body of another content type → 415 with the envelope; an empty one is accepted', async () => {
    const res = await post('/v2/tasks', 'task_id=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).to.equal(415);
    expect(await res.json()).to.include({ code: 'INVALID_PARAMS' });
    const cancel = await post('/v2/tasks/unknown-task/cancel', '', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(cancel.status, 'an empty cancel body of any type reaches the route').to.equal(404);
  });

  it('an oversize body → 413 with the envelope', async () => {
    const res = await post('/v2/tasks', JSON.stringify(task({ prompt: 'x'.repeat(4096) })));
    expect(res.status).to.equal(413);
    expect(await res.json()).to.include({ code: 'INVALID_PARAMS', message: 'request body too large' });
  });

  it('an unknown route and an unknown task → 404 with the envelope; the correlation id is echoed', async () => {
    const res = await fetch(`${base}/v3/nothing`, { headers: { 'x-correlation-id': 'abc-123' } });
    expect(res.status).to.equal(404);
    expect(res.headers.get('x-correlation-id')).to.equal('abc-123');
    expect(await res.json()).to.include({ code: 'NOT_FOUND' });
    expect((await fetch(`${base}/v2/tasks/unknown-task`)).status).to.equal(404);
  });

  it('no known pool → 503 POOL_UNAVAILABLE with Retry-After and X-Backoff-Ms', async () => {
    const res = await post('/v2/tasks', JSON.stringify(task()));
    expect(res.status).to.equal(503);
    expect(Number(res.headers.get('retry-after'))).to.be.at.least(1);
    expect(res.headers.get('x-backoff-ms')).to.equal('1000');
    expect(await res.json()).to.include({ code: 'POOL_UNAVAILABLE', retriable: true, retry_after_ms: 1000 });
  });

  it('is still alive after all of the above', async () => {
    expect((await fetch(`${base}/livez`)).status).to.equal(200);
    expect(orchestrator.isRunning).to.equal(true);
  });
});

describe('services refuse a bad configuration with a message that names it', () => {
  after(() => {
    reapAll();
  });

  it('pool-managerd names the file and the field of a bad pools config', async () => {
    const file = path.join(tmp, 'pools.json');
    writeFileSync(
      file,
      JSON.stringify({
        cache_dir: 'c',
        run_dir: 'r',
        pools: [{ pool_id: 'p0', model_ref: 'file:/m', engine_command: ['node'], slots: 0, devices: [0], replicas: [] }],
      }),
    );
    const port = await freePort();
    const err = await new ProcessSpec('pool-managerd', ['node', dist('pool-managerd/main.js')])
      .withEnv({ POOL_MANAGERD_CONFIG: file, POOL_MANAGERD_ADDR: `127.0.0.1:${port}` })
      .withWaitStrategy(Wait.forHttp(`http://127.0.0.1:${port}/health`))
      .start()
      .catch((e) => e);
    expect(err.message).to.contain('exited with exit code 1');
    expect(err.message).to.contain(`${file}: field \`pools[0].slots\` must be a positive integer`);
  });

  it('the engine refuses to start without a GPU, the way llama.cpp does (ORCH-1102)', async () => {
    const inventory = path.join(tmp, 'no-gpu.json');
    writeFileSync(inventory, JSON.stringify({ devices: [] }));
    const err = await new ProcessSpec('engine-mock', ['node', dist('engine-mock/main.js'), '--model', inventory])
      .withEnv({ LLORCH_GPU_INVENTORY: inventory })
      .withWaitStrategy(Wait.forLogLine(/never/))
      .start()
      .catch((e) => e);
    expect(err.message).to.contain('exited with exit code 1');
    expect(err.message).to.contain('no CUDA-capable device is detected');
  });
});

describe('pool-managerd answers a bad replica restart with the envelope and a 4xx', () => {
  let pm: RunningProcess;
  let base = '';
  const restart = (pool: string, replica: string, body: string) =>
    fetch(`${base}/pools/${pool}/replicas/${replica}/restart`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  before(async () => {
    // One replica whose engine never becomes ready (it ignores its arguments and idles): it is not serving.
    const file = path.join(tmp, 'pools-idle.json');
    const engine = path.join(root, 'test', 'fixtures', 'forever.js');
    const replicas = [{ replica_id: 'r1', port: await freePort(), advertised_url: 'http://127.0.0.1:1' }];
    const pools = [{ pool_id: 'p0', model_ref: `file:${engine}`, engine_command: ['node', engine], slots: 1, devices: [], replicas }];
    writeFileSync(file, JSON.stringify({ cache_dir: path.join(tmp, 'cache'), run_dir: path.join(tmp, 'run'), pools }));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    pm = await new ProcessSpec('pool-managerd', ['node', dist('pool-managerd/main.js')])
      .withEnv({ POOL_MANAGERD_CONFIG: file, POOL_MANAGERD_ADDR: `127.0.0.1:${port}` })
      .withWaitStrategy(Wait.forHttp(`${base}/health`).forStatus(200))
      .start();
  });

  after(async () => {
    await pm?.stop(1000);
    reapAll();
  });

  it('a bad deadline → 400 INVALID_PARAMS naming the field; an unknown replica or pool → 404', async () => {
    for (const body of ['{"deadline_ms":-1}', '{"deadline_ms":"soon"}', '{"deadline_ms":1.5}']) {
      const res = await restart('p0', 'r9', body);
      expect(res.status, body).to.equal(400);
      expect(await res.json(), body)
        .to.include({ code: 'INVALID_PARAMS' })
        .and.to.have.property('message')
        .that.contains('deadline_ms');
    }
    const unknownReplica = await restart('p0', 'r9', '{"deadline_ms":100}');
    expect(unknownReplica.status).to.equal(404);
    expect(((await unknownReplica.json()) as { message: string }).message).to.contain('unknown replica r9');
    expect((await restart('nope', 'r1', '{}')).status).to.equal(404);
    const notServing = await restart('p0', 'r1', '{"deadline_ms":100}');
    expect(notServing.status, 'a replica that is not serving').to.equal(409);
    expect(await notServing.json()).to.include({ code: 'REPLICA_NOT_SERVING', retriable: true });
    expect(pm.isRunning).to.equal(true);
  });
});
