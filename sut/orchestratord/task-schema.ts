/** JSON schema of `TaskRequestV2` (llama-orch `contracts/openapi/data.yaml`); Fastify answers failures with 400 INVALID_PARAMS. */
export const taskRequestSchema = {
  type: 'object',
  required: ['task_id', 'session_id', 'workload', 'model_ref', 'engine', 'ctx', 'priority', 'max_tokens', 'deadline_ms'],
  properties: {
    task_id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
    session_id: { type: 'string', minLength: 1, maxLength: 128 },
    workload: { type: 'string', enum: ['completion', 'embedding', 'rerank'] },
    model_ref: { type: 'string', minLength: 1, maxLength: 1024 },
    engine: { type: 'string', enum: ['llamacpp', 'vllm', 'tgi', 'triton'] },
    ctx: { type: 'integer', minimum: 0 },
    priority: { type: 'string', enum: ['interactive', 'batch'] },
    max_tokens: { type: 'integer', minimum: 1, maximum: 8192 },
    deadline_ms: { type: 'integer' },
    seed: { type: 'integer' },
    determinism: { type: 'string', enum: ['strict', 'best_effort'] },
    prompt: { type: 'string', maxLength: 65536 },
    expected_tokens: { type: 'integer', minimum: 0 },
    placement: {
      type: 'object',
      properties: { mode: { type: 'string', enum: ['pin', 'prefer', 'auto'] }, pin_pool_id: { type: 'string' } },
    },
  },
} as const;
