/**
 * The contract's schemas for @hono/zod-openapi. The app writes them with
 * zod/mini, which the build tree-shakes; @hono/zod-openapi reads classic zod
 * (it calls `.meta()` and `.openapi()`). Both share zod 4's core: a mini
 * schema's definition (its type, checks and inner schemas) builds the same
 * schema in classic zod, so the emulator validates and documents exactly
 * the rules the app ships.
 */
import { z } from '@hono/zod-openapi';
import * as zod from 'zod/mini';
import * as contract from '../../lib/api/contract';

/** A zod/mini schema's type in classic zod's words, so routes keep their typed inputs and answers. */
type Classic<S> =
  S extends zod.ZodMiniObject<infer Shape, infer Config>
    ? z.ZodObject<{ [K in keyof Shape]: Classic<Shape[K]> }, Config>
    : S extends zod.ZodMiniOptional<infer Inner>
      ? z.ZodOptional<Classic<Inner>>
      : S extends zod.ZodMiniDefault<infer Inner>
        ? z.ZodDefault<Classic<Inner>>
        : S extends zod.ZodMiniNullable<infer Inner>
          ? z.ZodNullable<Classic<Inner>>
          : S extends zod.ZodMiniArray<infer Item>
            ? z.ZodArray<Classic<Item>>
            : S extends zod.ZodMiniType
              ? z.ZodType<zod.output<S>, zod.input<S>>
              : never;

type Definition = Record<string, unknown>;
const isSchema = (value: unknown): value is zod.ZodMiniType =>
  typeof value === 'object' && value !== null && '_zod' in value;

/** ZodMiniObject → z.ZodObject, and so on for every kind; checks are core objects that both share. */
const toClassic = (schema: zod.ZodMiniType): z.ZodType => {
  const kind = schema.constructor.name.replace(/^ZodMini/, 'Zod');
  const Classic = (z as unknown as Record<string, new (def: Definition) => z.ZodType>)[kind];
  if (typeof Classic !== 'function') throw new Error(`The emulator cannot describe a ${kind} in OpenAPI.`);
  const def: Definition = {};
  for (const [key, value] of Object.entries(schema._zod.def as unknown as Definition)) {
    if (isSchema(value)) def[key] = toClassic(value);
    else if (key === 'shape') def[key] = mapSchemas(value as Record<string, zod.ZodMiniType>);
    else if (key === 'options' && Array.isArray(value)) def[key] = value.map(toClassic);
    else def[key] = value;
  }
  return new Classic(def);
};
const mapSchemas = (shape: Record<string, zod.ZodMiniType>) =>
  Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, toClassic(value)]));

const classic = <S extends zod.ZodMiniType>(schema: S) => toClassic(schema) as unknown as Classic<S>;

export const ApiInfo = classic(contract.api.ApiInfo);
export const AutomationMe = classic(contract.api.AutomationMe);
export const CancelledTask = classic(contract.api.CancelledTask);
export const CreatedTask = classic(contract.api.CreatedTask);
/**
 * `POST /tasks` as production validates it. The contract takes any URL as
 * `webhook_url`; production's pydantic `HttpUrl` takes http and https only
 * and answers 422 `url_scheme` to any other, and so does the emulator.
 */
export const CreateTaskBody = classic(contract.api.CreateTaskBody).extend({
  webhook_url: classic(zod.optional(contract.api.WebAddress)),
});
export const CreateWebhookBody = classic(contract.api.CreateWebhookBody);
export const ErrorBody = classic(contract.api.ErrorBody);
export const Task = classic(contract.api.Task);
export const TaskList = classic(contract.api.TaskList);
export const UserMe = classic(contract.api.UserMe);
export const WebhookList = classic(contract.api.WebhookList);
export const WebhookSubscription = classic(contract.api.WebhookSubscription);
export const WorkspaceList = classic(contract.api.WorkspaceList);

/** `GET /tasks`'s query, as production validates it: the app only ever sends it. */
export const TaskListQuery = z.object({
  status: z.enum(contract.TASK_STATUSES).optional(),
  limit: z
    .pipe(z.coerce.number(), z.int().min(1).max(contract.MAX_TASKS_PER_PAGE))
    .default(contract.DEFAULT_TASKS_PER_PAGE),
  offset: z.pipe(z.coerce.number(), z.int().min(0)).default(0),
});
