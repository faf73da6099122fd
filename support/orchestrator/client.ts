import { randomUUID } from 'node:crypto';
import axios, { AxiosInstance } from 'axios';
import { readEventStream, ReceivedEvent, StreamEnd } from './sse';

/** A v2 task request (TaskRequestV2). */
export interface TaskRequest {
  task_id: string;
  session_id: string;
  workload: 'completion';
  model_ref: string;
  engine: 'llamacpp';
  ctx: number;
  priority: 'interactive' | 'batch';
  max_tokens: number;
  deadline_ms: number;
  seed?: number;
  prompt?: string;
}

/** The error envelope every service answers with. */
export interface Envelope {
  code: string;
  message: string;
  retriable?: boolean;
  retry_after_ms?: number;
  policy_label?: string;
  pool_id?: string;
}

/** An HTTP answer, with the time it took; the client never throws on a status, only on a transport failure. */
export interface Answer<T> {
  status: number;
  body: T;
  headers: Record<string, string>;
  elapsedMs: number;
}

export interface TaskStatus {
  task_id: string;
  state: 'queued' | 'running' | 'completed' | 'failed' | 'canceled';
  pool_id?: string;
  replica_id?: string;
  attempts: number;
  tokens_out: number;
  error?: Envelope;
  created_ms: number;
  started_ms?: number;
  ended_ms?: number;
}

export interface PoolHealth {
  live: boolean;
  ready: boolean;
  draining: boolean;
  state: string;
  replicas: { replica_id: string; state: string; restarts: number; driver_resets: number; last_error?: string }[];
  last_error?: string;
  metrics: { queue_depth: number; slots_total: number; slots_free: number };
}

export interface OrchestratorHealth {
  status: 'healthy' | 'degraded' | 'unhealthy';
  live: boolean;
  ready: boolean;
  pools: Record<string, string>;
  pool_manager_reachable: boolean;
}

/** Builds a task request; defaults are a small interactive completion. */
export function newTask(overrides: Partial<TaskRequest> = {}): TaskRequest {
  return {
    task_id: randomUUID(),
    session_id: 'chaos-suite',
    workload: 'completion',
    model_ref: 'file:model.gguf',
    engine: 'llamacpp',
    ctx: 2048,
    priority: 'interactive',
    max_tokens: 16,
    deadline_ms: 60_000,
    prompt: 'Tell me about graceful degradation',
    ...overrides,
  };
}

/** The orchestrator's v2 API over HTTP (axios), typed, without assertions. */
export class OrchestratorClient {
  private readonly http: AxiosInstance;

  constructor(
    readonly baseUrl: string,
    timeoutMs = 5000,
  ) {
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: timeoutMs,
      validateStatus: () => true,
      headers: { 'user-agent': 'llama-orch-chaos' },
    });
  }

  submit(task: TaskRequest): Promise<Answer<{ task_id: string; queue_position: number } & Partial<Envelope>>> {
    return this.call('post', '/v2/tasks', task);
  }

  status(taskId: string): Promise<Answer<TaskStatus & Partial<Envelope>>> {
    return this.call('get', `/v2/tasks/${encodeURIComponent(taskId)}`);
  }

  cancel(taskId: string): Promise<Answer<unknown>> {
    return this.call('post', `/v2/tasks/${encodeURIComponent(taskId)}/cancel`);
  }

  poolHealth(poolId: string): Promise<Answer<PoolHealth>> {
    return this.call('get', `/v2/pools/${encodeURIComponent(poolId)}/health`);
  }

  /** ORCH-3031: stop admitting to a pool; in-flight tasks may finish until the deadline. */
  drain(poolId: string, deadlineMs: number): Promise<Answer<Record<string, unknown>>> {
    return this.call('post', `/v2/pools/${encodeURIComponent(poolId)}/drain`, { deadline_ms: deadlineMs });
  }

  /** ORCH-3031: switch a pool to another model, atomically (202), or roll back (409). */
  reload(
    poolId: string,
    body: { new_model_ref: string; model_sha256?: string; deadline_ms?: number },
  ): Promise<Answer<Record<string, unknown>>> {
    return this.call('post', `/v2/pools/${encodeURIComponent(poolId)}/reload`, body, 60_000);
  }

  health(): Promise<Answer<OrchestratorHealth>> {
    return this.call('get', '/v2/health');
  }

  livez(): Promise<Answer<unknown>> {
    return this.call('get', '/livez');
  }

  readyz(): Promise<Answer<unknown>> {
    return this.call('get', '/readyz');
  }

  metrics(): Promise<Answer<string>> {
    return this.call('get', '/metrics');
  }

  /** Follows a task's event stream; `lastEventId` resumes after that token index; `leave` makes the client go away. */
  events(
    taskId: string,
    onEvent: (e: ReceivedEvent) => void,
    signal: AbortSignal,
    lastEventId?: number,
    leave?: AbortSignal,
  ): Promise<StreamEnd> {
    const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
    return readEventStream(`${this.baseUrl}/v2/tasks/${encodeURIComponent(taskId)}/events`, headers, onEvent, signal, leave);
  }

  private async call<T>(method: 'get' | 'post', url: string, data?: unknown, timeoutMs?: number): Promise<Answer<T>> {
    const started = Date.now();
    const res = await this.http.request<T>({ method, url, data, timeout: timeoutMs });
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    return { status: res.status, body: res.data, headers, elapsedMs: Date.now() - started };
  }
}
