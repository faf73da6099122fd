import { describe, it } from 'node:test';
import { expect } from 'chai';
import Fastify from 'fastify';
import { taskRequestSchema } from '../../sut/orchestratord/task-schema';

/**
 * A Fastify app with Ajv's defaults, which check a route's schema against the meta-schema when it compiles it, or,
 * `withoutMetaSchema`, with that check off as the stack runs it.
 */
async function compiles(schema: object, withoutMetaSchema = false): Promise<void> {
  const app = Fastify(withoutMetaSchema ? { ajv: { customOptions: { validateSchema: false } } } : {});
  app.post('/v2/tasks', { schema: { body: schema } }, async () => ({}));
  try {
    await app.ready();
  } finally {
    await app.close();
  }
}

// The stack's apps skip the meta-schema check at start (sut/common/http.ts, validateSchema): this is where it runs.
describe("the orchestrator's task request schema", () => {
  it('is valid JSON Schema, by the meta-schema check the stack skips at start', async () => {
    await compiles(taskRequestSchema);
  });

  it('the same check refuses a schema that is not, where compiling it alone does not', async () => {
    const broken = { ...taskRequestSchema, properties: { ...taskRequestSchema.properties, session_id: { type: 'string', minLength: -1 } } };
    await compiles(broken, true); // a negative minLength compiles: only the meta-schema refuses it
    let error: unknown;
    await compiles(broken).catch((e) => {
      error = e;
    });
    expect(String(error)).to.include('schema is invalid: data/properties/session_id/minLength must be >= 0');
  });
});
