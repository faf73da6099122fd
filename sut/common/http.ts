import { randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import type pino from 'pino';
import { ApiError, Envelope, retryHeaders } from './envelope';

export interface HttpOptions {
  logger: pino.Logger;
  /** Largest accepted request body, bytes. */
  bodyLimitBytes?: number;
  /** Paths that never need the bearer token. */
  publicPaths?: string[];
}

/**
 * A Fastify app with the contract's cross-cutting rules: `X-Correlation-Id` echoed or generated on every response,
 * bad input (malformed JSON, schema failures, oversize bodies, unknown routes) answered with the envelope and a 4xx,
 * optional bearer auth (`LLORCH_API_TOKEN`, constant-time), and any thrown bug answered 500 `INTERNAL`, never a crash.
 */
export function createHttpApp(options: HttpOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({}, { level: 'warn' }) as unknown as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    forceCloseConnections: true,
    // validateSchema off: Ajv would check each route's schema against the JSON Schema meta-schema, compiling that first,
    // at every start (about 40 ms of the orchestrator's start to listening, A/B on 2 cores). The schemas are constants of
    // this code: test/sut/task-schema.test.ts checks them against the meta-schema once.
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false, validateSchema: false } },
  });
  const token = process.env.LLORCH_API_TOKEN;
  const publicPaths = new Set(options.publicPaths ?? ['/metrics', '/livez']);

  app.addHook('onRequest', async (request, reply) => {
    const incoming = request.headers['x-correlation-id'];
    reply.header('X-Correlation-Id', typeof incoming === 'string' && incoming ? incoming : randomUUID());
    if (token && !publicPaths.has(request.url.split('?')[0]) && !bearerMatches(request.headers.authorization, token)) {
      throw new ApiError(401, { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token', retriable: false });
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 204) reply.removeHeader('X-Correlation-Id');
    return payload;
  });

  // Bodies of other types are accepted only when empty (a bodiless POST such as cancel, whatever its client's default
  // content type); anything else is refused with the envelope.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(
      new ApiError(415, {
        code: 'INVALID_PARAMS',
        message: `unsupported content type ${request.headers['content-type'] ?? '(none)'}: send application/json`,
        retriable: false,
      }),
      undefined,
    );
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.envelope.retry_after_ms !== undefined) reply.headers(retryHeaders(error.envelope.retry_after_ms));
      return reply.code(error.status).send(error.envelope);
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(clientError(error as FastifyError));
    }
    request.log.error({ err: error, url: request.url }, 'internal error');
    return reply.code(500).send({ code: 'INTERNAL', message: error.message, retriable: false } satisfies Envelope);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}`, retriable: false } satisfies Envelope);
  });
  return app;
}

function clientError(error: FastifyError): Envelope {
  if (error.validation) return { code: 'INVALID_PARAMS', message: `invalid request: ${error.message}`, retriable: false };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 'INVALID_PARAMS', message: 'request body too large', retriable: false };
  return { code: 'INVALID_PARAMS', message: error.message, retriable: false };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const actual = Buffer.from(header ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The `host:port` the app listens on, once `listen` resolved. */
export function listenAddress(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  return `${address.address}:${address.port}`;
}
