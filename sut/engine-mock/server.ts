/**
 * engine-mock's server (main.ts loads it unless asked only to list devices): a llama.cpp `llama-server` look-alike.
 * It loads its model file into memory (so memory limits bite for real), burns CPU per token (so CPU saturation slows
 * it for real), streams deterministic tokens as SSE, and refuses to start without a GPU the way llama.cpp does.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import client from 'prom-client';
import { envInt } from '../common/env';
import { probeGpus } from '../common/gpu';
import { createHttpApp } from '../common/http';
import { createLogger } from '../common/logger';
import { formatSse } from '../common/sse';
import { tokenAt } from '../common/tokens';
import { SlotMemory } from './vram';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8081' },
    model: { type: 'string' },
    parallel: { type: 'string', default: '1' },
    'ctx-size': { type: 'string', default: '4096' },
    alias: { type: 'string' },
  },
  strict: false,
});

const log = createLogger('engine-mock');
const tokenIntervalMs = envInt('ENGINE_TOKEN_INTERVAL_MS', 20);
const loadDelayMs = envInt('ENGINE_LOAD_MS', 0);
const cpuWorkPerToken = envInt('ENGINE_CPU_WORK', 20_000);
// CPU time each token costs, ms of busy work (on top of ENGINE_CPU_WORK), so a CPU quota slows generation for real.
const cpuMsPerToken = envInt('ENGINE_CPU_MS_PER_TOKEN', 0);
const shutdownGraceMs = envInt('ENGINE_SHUTDOWN_GRACE_MS', 5_000);
const gpuCheckMs = envInt('ENGINE_GPU_CHECK_MS', 1000);
// Memory a generation holds per token until it ends (a KV cache that grows with the stream), so a memory limit can
// be crossed mid-inference for real.
const bytesPerToken = envInt('ENGINE_BYTES_PER_TOKEN', 0);
const slotMemory = new SlotMemory(envInt('ENGINE_VRAM_PER_SLOT_BYTES', 0));
const slotsTotal = Number(args.parallel);
/** What `/props` reports as the engine's build, as llama-server does (its `build_info`, e.g. b0-0c1e570). */
const BUILD_INFO = 'engine-mock-0.1.0';
const ctxSize = Number(args['ctx-size']);

const registry = new client.Registry();
const tokensPredicted = new client.Counter({ name: 'llamacpp:tokens_predicted_total', help: 'Tokens generated', registers: [registry] });
const requestsProcessing = new client.Gauge({ name: 'llamacpp:requests_processing', help: 'Slots busy', registers: [registry] });

let loading = true;
let shuttingDown = false;
/** Set by the engine.completion-errors fault hook (SIGPWR): every completion fails with HTTP 500, /health passes. */
let failingCompletions = false;
let modelId = '';
let modelBytes: Buffer | undefined;
const active = new Set<Generation>();

interface Generation {
  done: Promise<void>;
  abort(): void;
  /** Tokens generated so far and still to generate (llama-server's `/slots` `next_token`). */
  decoded: number;
  remain: number;
}

async function main(): Promise<void> {
  const devices = probeGpus();
  if (devices.length === 0) {
    // llama.cpp's own wording, so log-based classifiers treat mock and real engines alike.
    process.stderr.write('ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected\n');
    process.exit(1);
  }
  if (!args.model || typeof args.model !== 'string') {
    process.stderr.write('error: --model PATH is required\n');
    process.exit(2);
  }
  const app = createHttpApp({ logger: log, publicPaths: ['/health', '/metrics'] });

  app.get('/health', async (_req, reply) => {
    if (loading) return reply.code(503).send({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
    return { status: 'ok' };
  });
  app.get('/props', async () => ({
    total_slots: slotsTotal,
    model_path: args.model,
    n_ctx: ctxSize,
    model_id: modelId,
    build_info: BUILD_INFO,
  }));
  // As llama-server's: per slot `is_processing`, and for a busy one `next_token` with the tokens decoded and remaining.
  app.get('/slots', async () => {
    const busy = [...active];
    return Array.from({ length: slotsTotal }, (_, id) => {
      const g = busy[id];
      return g ? { id, is_processing: true, next_token: [{ n_decoded: g.decoded, n_remain: g.remain }] } : { id, is_processing: false };
    });
  });
  // As llama-server's: the model's tokens of a text (this engine's tokenizer splits on white space, as its context
  // check counts a prompt).
  app.post('/tokenize', async (request, reply) => {
    const { content } = (request.body ?? {}) as { content?: unknown };
    if (typeof content !== 'string') return reply.code(400).send({ error: { code: 400, message: '"content" must be a string' } });
    return {
      tokens: content
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => createHash('sha256').update(w).digest().readUInt16BE(0)),
    };
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  app.post('/completion', async (request, reply) => {
    const body = (request.body ?? {}) as { prompt?: unknown; n_predict?: unknown; seed?: unknown; stream?: unknown };
    if (typeof body.prompt !== 'string') return reply.code(400).send({ error: { code: 400, message: '"prompt" must be a string' } });
    if (loading || shuttingDown)
      return reply.code(503).send({ error: { code: 503, message: loading ? 'Loading model' : 'Shutting down' } });
    // A device that fails every decode fails a completion at once, whether or not a slot is free.
    if (failingCompletions)
      return reply.code(500).send({ error: { code: 500, message: 'Failed to decode the batch', type: 'server_error' } });
    if (active.size >= slotsTotal) return reply.code(503).send({ error: { code: 503, message: 'no slot available' } });
    // llama.cpp refuses a prompt beyond a slot's context before it takes a slot.
    const promptTokens = body.prompt.split(/\s+/).filter(Boolean).length;
    const slotCtx = Math.floor(ctxSize / slotsTotal);
    if (promptTokens >= slotCtx)
      return reply.code(400).send({
        error: {
          code: 400,
          message: 'the request exceeds the available context size',
          type: 'exceed_context_size_error',
          n_prompt_tokens: promptTokens,
          n_ctx: slotCtx,
        },
      });
    // A slot's first task takes its GPU memory (ORCH-3039): with no room left the engine dies of it, as llama.cpp does.
    if (slotMemory.outOfMemory(active.size + 1)) return reply.hijack();
    const nPredict = typeof body.n_predict === 'number' && body.n_predict > 0 ? Math.floor(body.n_predict) : 16;
    const seed = typeof body.seed === 'number' ? body.seed : 0;
    const prompt = body.prompt;

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    let aborted = false;
    res.on('close', () => {
      aborted = true;
    });
    const started = Date.now();
    const generation: Generation = {
      abort: () => {
        aborted = true;
      },
      done: Promise.resolve(),
      decoded: 0,
      remain: nPredict,
    };
    let decoded = 0;
    const kvCache: Buffer[] = [];
    generation.done = (async () => {
      requestsProcessing.inc();
      try {
        for (let i = 0; i < nPredict && !aborted; i++) {
          await delay(tokenIntervalMs);
          burnCpu(cpuWorkPerToken);
          burnCpuFor(cpuMsPerToken);
          if (aborted) break;
          // As llama-server's partials: the prompt tokens it evaluated ride on every frame.
          res.write(
            formatSse({ data: { content: tokenAt(modelId, prompt, seed, i), stop: false, index: i, tokens_evaluated: promptTokens } }),
          );
          tokensPredicted.inc();
          decoded++;
          generation.decoded = decoded;
          generation.remain = nPredict - decoded;
          if (bytesPerToken > 0) kvCache.push(Buffer.alloc(bytesPerToken, i));
        }
        if (!aborted) {
          res.write(
            formatSse({
              data: {
                content: '',
                stop: true,
                tokens_predicted: nPredict,
                tokens_evaluated: promptTokens,
                timings: { prompt_n: promptTokens, predicted_ms: Date.now() - started },
              },
            }),
          );
        }
      } finally {
        // What this engine generated for the request, in its own log: the suite's evidence from the engine side.
        log.info({ seed, n_predict: nPredict, n_decoded: decoded, stop_type: aborted ? 'aborted' : 'limit' }, 'generation ended');
        requestsProcessing.dec();
        active.delete(generation);
        res.end();
      }
    })();
    active.add(generation);
  });

  const port = Number(args.port);
  await app.listen({ host: String(args.host), port });
  log.info({ port, model: args.model, slots: slotsTotal, devices: devices.length }, 'listening, loading model');

  // Reading the model into memory is the real load: its size is what a memory limit sees.
  // Slow storage: the load starts after ENGINE_LOAD_MS (a big model on a slow disk), while /health says loading.
  if (loadDelayMs > 0) await delay(loadDelayMs);
  modelBytes = await readFile(String(args.model));
  if (modelBytes.subarray(0, 4).toString('latin1') !== 'GGUF') {
    // llama.cpp's own words for a file that is not a model.
    process.stderr.write(
      `gguf_init_from_file: invalid magic characters in ${args.model}\nllama_model_load: error loading model: failed to load model\n`,
    );
    process.exit(1);
  }
  modelId = createHash('sha256').update(modelBytes).digest('hex').slice(0, 16);
  loading = false;
  log.info({ model_id: modelId, bytes: modelBytes.length }, 'model loaded, ready');

  // A GPU that vanishes under a running llama.cpp takes it down with a CUDA error; the mock re-probes to do the same.
  if (gpuCheckMs > 0) {
    setInterval(() => {
      if (probeGpus().length > 0) return;
      process.stderr.write('CUDA error: GPU has fallen off the bus (device lost)\n', () => process.exit(134));
    }, gpuCheckMs).unref();
  }

  // Fault hook of the mock: SIGWINCH makes it die of an uncorrectable ECC error, in llama.cpp's CUDA error words.
  process.once('SIGWINCH', () => {
    process.stderr.write(
      'CUDA error: uncorrectable ECC error encountered\n' +
        '  current device: 0, in function ggml_backend_cuda_synchronize at ggml/src/ggml-cuda/ggml-cuda.cu:2446\n' +
        'ggml/src/ggml-cuda/ggml-cuda.cu:75: CUDA error\n',
      () => process.exit(134),
    );
  });

  // Fault hook of the mock: SIGUSR2 makes it die the way a CUDA driver reset kills llama.cpp (the target profile maps
  // the engine.driver-reset fault to this signal; a real engine needs a real mechanism).
  process.once('SIGUSR2', () => {
    process.stderr.write(
      'CUDA error: unspecified launch failure\n' +
        '  current device: 0, in function ggml_backend_cuda_synchronize at ggml/src/ggml-cuda/ggml-cuda.cu:2446\n' +
        '  cudaStreamSynchronize(cuda_ctx->stream())\n' +
        'ggml/src/ggml-cuda/ggml-cuda.cu:75: CUDA error\n',
      () => process.exit(134),
    );
  });

  // Fault hook of the mock: SIGURG makes it end every open stream cleanly (its HTTP body terminated, no reset) before
  // the frame that says the generation stopped, as a buggy or dying engine may; it goes on serving (engine.stream-end).
  process.on('SIGURG', () => {
    const open = [...active];
    for (const g of open) g.abort();
    log.warn({ streams: open.length }, 'streams ended early, without their stop frame');
  });

  // Fault hook of the mock: SIGPWR turns on (and, sent again, off) a state in which every completion fails with HTTP 500
  // while /health passes, as an engine whose device fails every decode but whose HTTP server lives on.
  process.on('SIGPWR', () => {
    failingCompletions = !failingCompletions;
    log.warn({ failing: failingCompletions }, failingCompletions ? 'failing every completion' : 'serving completions again');
  });

  process.once('SIGTERM', () => {
    shuttingDown = true;
    log.info({ in_flight: active.size }, 'SIGTERM: finishing in-flight generations');
    const deadline = delay(shutdownGraceMs).then(() => active.forEach((g) => g.abort()));
    void Promise.race([Promise.all([...active].map((g) => g.done)), deadline])
      .then(() => app.close())
      .then(() => process.exit(0));
  });
}

/** Spends `ms` of this process's own CPU time (not wall time): under a quota it takes proportionally longer. */
function burnCpuFor(ms: number): void {
  if (ms <= 0) return;
  const until = process.cpuUsage().user + ms * 1000;
  while (process.cpuUsage().user < until) burnCpu(1000);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Spends real CPU time, so a saturated or throttled CPU slows token generation for real. */
function burnCpu(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

main().catch((err) => {
  log.fatal({ err }, 'engine failed');
  process.exit(1);
});
