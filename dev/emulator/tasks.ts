/**
 * Tasks and their life: queued, then running, then completed, failed or
 * needs_input on their own after the configured delays. Results depend only
 * on the task's input, so a given task always ends the same way.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { api, Task, WebhookEvent } from '../../lib/api/contract';
import { askedResultFields, type ResultField } from '../../lib/steps/result-data';
import type { EmulatorOptions } from './config';

export type TaskRequest = z.output<typeof api.CreateTaskBody>;

/** The task object exactly as `GET /tasks/{task_id}` answers it (its created_at is the task row's). */
export interface TaskRecord {
  task_id: string;
  run_id: string;
  status: Task['status'];
  title: string;
  description: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  runtime_seconds: number | null;
  result_summary: string | null;
  error: string | null;
  model: string;
}

export interface StoredTask {
  ownerId: string;
  request: TaskRequest;
  record: TaskRecord;
  /** Microseconds since 1970 of the task row's INSERT: the other two creation times follow from it. */
  createdMicros: number;
  /** Microseconds since 1970 when the task started, for its runtime. */
  startedMicros?: number;
}

/** The answer to `POST /tasks`. */
export type CreatedAnswer = Pick<
  TaskRecord,
  'task_id' | 'run_id' | 'status' | 'title' | 'description' | 'created_at' | 'model'
>;

export type CreateOutcome =
  | { kind: 'created'; answer: CreatedAnswer }
  | { kind: 'replayed'; answer: CreatedAnswer & { _idempotent_replay: 'true' } }
  | { kind: 'over_budget'; used: number; limit: number }
  /** `createFails`: the task row's INSERT raised. */
  | { kind: 'insert_failed' };

export type CancelOutcome =
  | { kind: 'cancelled' }
  | { kind: 'not_found' }
  | { kind: 'not_cancellable'; status: TaskRecord['status'] };

export type TaskEventListener = (event: WebhookEvent, task: StoredTask) => void;

interface IdempotentCreate {
  answer: CreatedAnswer;
  expiresAt: number;
}

/** Python's `isoformat()` of a UTC datetime: microseconds only when there are any, `+00:00` when aware. */
const pythonIsoformat = (epochMicros: number, aware: boolean): string => {
  const seconds = new Date(Math.floor(epochMicros / 1000)).toISOString().slice(0, 19);
  const micros = epochMicros % 1_000_000;
  const fraction = micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`;
  return `${seconds}${fraction}${aware ? '+00:00' : ''}`;
};

/**
 * Production keeps three creation times for a task, a few milliseconds
 * apart, in the order its `POST /tasks` writes them: the task row (`NOW()`
 * of its INSERT), then the run row (the enqueue's INSERT), then the TaskRun
 * object the create answers with. A read answers the task row's, a list the
 * run row's (and sorts by it), the create the enqueue's. These are how long
 * after the task row's the other two come.
 */
const RUN_ROW_AFTER_MICROS = 2_314;
const ENQUEUED_AFTER_MICROS = 5_087;

type AnswerMarkers = EmulatorOptions['tasks']['answerMarkers'];

/** A value such a field could hold, of its type: for text, one of the options it names, a number, a yes or no, or a phrase. */
const plausibleValue = (field: ResultField, title: string, seed: number): unknown => {
  const about = field.holds ?? field.name.replace(/_/g, ' ');
  switch (field.type) {
    case 'number':
      return ((seed % 90) + 10) / 10;
    case 'integer':
      return (seed % 9) + 1;
    case 'boolean':
      return seed % 2 === 0;
    case 'datetime':
      return new Date(Date.UTC(2026, 11, 1 + (seed % 28), 9 + (seed % 8))).toISOString().replace('.000Z', '+00:00');
    case 'list':
      return [`first ${about}`, `second ${about}`];
    case 'one of':
      return field.choices[seed % field.choices.length];
  }
  const options = (field.holds ?? '')
    .split(/,|\bor\b/)
    .map((option) => option.trim())
    .filter(Boolean);
  if (options.length > 1) return options[seed % options.length];
  const words = `${field.name} ${field.holds ?? ''}`;
  if (/\b(count|number|score|total|amount)\b|_(count|number|score|total|amount)\b/i.test(words)) return (seed % 9) + 1;
  if (/^(is|has)_|yes or no|true or false/i.test(words)) return seed % 2 === 0;
  return `${about} for “${title}”`;
};

/** A value that does not fit the field's type, as a careless model writes it; text takes anything, so it stays plausible. */
const wrongValue = (field: ResultField, title: string, seed: number): unknown => {
  switch (field.type) {
    case 'number':
    case 'integer':
      return 'seven';
    case 'boolean':
      return 'maybe';
    case 'datetime':
      return 'tomorrow-ish';
    case 'list':
      // A single text is a one-item list, so only something else is wrong.
      return { items: plausibleValue(field, title, seed) };
    case 'one of':
      // Longer than every choice, so it matches none.
      return `none of ${field.choices.join(', ')}`;
  }
  return plausibleValue(field, title, seed);
};

/**
 * The same input always gives the same answer: a line of prose, then the
 * JSON object its Result Fields ask for, fenced, each value of its type
 * (or of a wrong one, on demand), or the ending a marker asks for.
 */
const answerOf = ({ agent_type, model, title, description }: TaskRequest, markers: AnswerMarkers): string => {
  const fingerprint = createHash('sha256')
    .update([agent_type, model, title, description].join('\n'))
    .digest('hex')
    .slice(0, 12);
  const words = description.split(/\s+/).filter(Boolean).length;
  const prose = `The ${agent_type} agent finished “${title}” with model ${model}: ${words} words of instructions handled (result ${fingerprint}).`;
  const asked = askedResultFields(description);
  const seed = Number.parseInt(fingerprint.slice(0, 8), 16);
  const valueFor = description.includes(markers.wrongTypes) ? wrongValue : plausibleValue;
  const data = asked.length
    ? Object.fromEntries(asked.map((field) => [field.name, valueFor(field, title, seed)]))
    : { title, words, result: fingerprint };
  const json = JSON.stringify(data, null, 2);
  if (description.includes(markers.prose)) return prose;
  // A trailing comma and no closing brace: what a model cut off mid-answer writes.
  if (description.includes(markers.brokenJson)) return `${prose}\n\n\`\`\`json\n${json.slice(0, -2)},\n\`\`\``;
  if (description.includes(markers.bareJson)) return `${prose} ${JSON.stringify(data)}`;
  if (asked.length || description.includes(markers.fencedJson)) return `${prose}\n\n\`\`\`json\n${json}\n\`\`\``;
  return prose;
};

export class TaskStore {
  /** In creation order. */
  private readonly tasks = new Map<string, StoredTask>();
  private readonly idempotent = new Map<string, IdempotentCreate>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private lastMicros = 0;

  constructor(
    private readonly options: Pick<
      EmulatorOptions,
      'tasks' | 'taskBudget' | 'idempotencyTtlMs' | 'timestamps' | 'createFails'
    >,
    private readonly onEvent: TaskEventListener,
  ) {}

  /**
   * Synchronous from the idempotency check to the insert, so that concurrent
   * requests with one key can never both create a task.
   */
  create(ownerId: string, request: TaskRequest, idempotencyKey: string | undefined): CreateOutcome {
    const scopedKey = idempotencyKey ? `${ownerId}\n${idempotencyKey}` : undefined;
    const earlier = scopedKey ? this.idempotent.get(scopedKey) : undefined;
    if (earlier && earlier.expiresAt > Date.now()) {
      return { kind: 'replayed', answer: { ...earlier.answer, _idempotent_replay: 'true' } };
    }
    // Production inserts the task row before it enqueues (and checks the budget).
    if (this.options.createFails) return { kind: 'insert_failed' };
    const used = this.usedThisMonth(ownerId);
    const limit = this.options.taskBudget;
    if (limit !== null && used >= limit) return { kind: 'over_budget', used, limit };

    const createdMicros = this.clock();
    const record: TaskRecord = {
      task_id: `tsk_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      run_id: `run_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      status: 'queued',
      title: request.title,
      description: request.description,
      created_at: this.timestamp(createdMicros, 'created'),
      started_at: null,
      completed_at: null,
      runtime_seconds: null,
      result_summary: null,
      error: null,
      model: request.model,
    };
    const task: StoredTask = { ownerId, request, record, createdMicros };
    this.tasks.set(record.task_id, task);
    const { task_id, run_id, status, title, description, model } = record;
    const answer: CreatedAnswer = {
      task_id,
      run_id,
      status,
      title,
      description,
      created_at: this.timestamp(createdMicros + ENQUEUED_AFTER_MICROS, 'created'),
      model,
    };
    if (scopedKey) this.idempotent.set(scopedKey, { answer, expiresAt: Date.now() + this.options.idempotencyTtlMs });
    this.onEvent('task_created', task);
    this.schedule(task, this.options.tasks.startDelayMs, () => this.start(task));
    return { kind: 'created', answer };
  }

  get(ownerId: string, taskId: string): StoredTask | undefined {
    const task = this.tasks.get(taskId);
    return task?.ownerId === ownerId ? task : undefined;
  }

  /**
   * Newest created first, with the run row's created_at. Production sorts by
   * that; the store's creation order is the same, as the clock never goes back
   * and every run row comes as long after its task row. Lists never carry the
   * model (a production quirk).
   */
  list(ownerId: string, query: { status?: TaskRecord['status']; limit: number; offset: number }) {
    const matching = [...this.tasks.values()]
      .filter((task) => task.ownerId === ownerId && (!query.status || task.record.status === query.status))
      .reverse();
    return {
      tasks: matching.slice(query.offset, query.offset + query.limit).map((task) => ({
        ...task.record,
        created_at: this.timestamp(task.createdMicros + RUN_ROW_AFTER_MICROS, 'created'),
        model: null,
      })),
      total: matching.length,
      limit: query.limit,
      offset: query.offset,
    };
  }

  cancel(ownerId: string, taskId: string): CancelOutcome {
    const task = this.get(ownerId, taskId);
    if (!task) return { kind: 'not_found' };
    const { status } = task.record;
    if (status !== 'queued' && status !== 'running') return { kind: 'not_cancellable', status };
    this.stopTimer(task);
    this.finish(task, { status: 'cancelled' }, 'task_cancelled');
    return { kind: 'cancelled' };
  }

  usedThisMonth(ownerId: string): number {
    const month = new Date().toISOString().slice(0, 7);
    return [...this.tasks.values()].filter(
      (task) => task.ownerId === ownerId && task.record.created_at.startsWith(month),
    ).length;
  }

  /** Microseconds since 1970, never twice the same: every row the emulator writes has its own moment. */
  private clock(): number {
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    this.lastMicros = Math.max(micros, this.lastMicros + 1);
    return this.lastMicros;
  }

  /** In 'production' style created_at is naive (`datetime.utcnow()`), the others aware. */
  private timestamp(epochMicros: number, moment: 'created' | 'started' | 'completed'): string {
    return this.options.timestamps === 'iso'
      ? new Date(Math.floor(epochMicros / 1000)).toISOString()
      : pythonIsoformat(epochMicros, moment !== 'created');
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(task: StoredTask, delayMs: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(task.record.task_id);
      step();
    }, delayMs);
    this.timers.set(task.record.task_id, timer);
  }

  private stopTimer(task: StoredTask): void {
    clearTimeout(this.timers.get(task.record.task_id));
    this.timers.delete(task.record.task_id);
  }

  private start(task: StoredTask): void {
    task.startedMicros = this.clock();
    task.record.status = 'running';
    task.record.started_at = this.timestamp(task.startedMicros, 'started');
    this.onEvent('task_started', task);
    this.schedule(task, this.options.tasks.runDelayMs, () => this.complete(task));
  }

  private complete(task: StoredTask): void {
    const { description } = task.request;
    const { failMarker, needsInputMarker } = this.options.tasks;
    if (description.includes(needsInputMarker)) {
      task.record.status = 'needs_input';
      this.onEvent('task_needs_input', task);
    } else if (description.includes(failMarker)) {
      this.finish(
        task,
        { status: 'failed', error: `The agent stopped: the prompt contains ${failMarker}, which fails a task.` },
        'task_failed',
      );
    } else {
      this.finish(
        task,
        { status: 'completed', result_summary: answerOf(task.request, this.options.tasks.answerMarkers) },
        'task_completed',
      );
    }
  }

  private finish(task: StoredTask, outcome: Partial<TaskRecord>, event: WebhookEvent): void {
    const completedMicros = this.clock();
    Object.assign(task.record, outcome, {
      completed_at: this.timestamp(completedMicros, 'completed'),
      runtime_seconds:
        task.startedMicros === undefined ? null : Math.round((completedMicros - task.startedMicros) / 10_000) / 100,
    });
    this.onEvent(event, task);
  }
}
