import type { ZObject } from 'zapier-platform-core';
import { taskFixture } from '../../../dev/fixtures';
import { parseAnswer } from '../../../lib/api/answers';
import { CancelledTask, Task, TaskList, WebhookSubscription } from '../../../lib/api/contract';

/** Just enough of the platform for parseAnswer: its error class keeps the message. */
const z = { errors: { Error } } as unknown as ZObject;

const problemWith = (schema: Parameters<typeof parseAnswer>[1], data: unknown): string => {
  try {
    parseAnswer(z, schema, data, 'reading the task');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('Expected the answer to be refused.');
};

describe('an answer that does not fit the contract', () => {
  it.each([
    ['a missing field', Task, taskFixture({ title: undefined }), 'field “title” is missing'],
    ['text where an object belongs', Task, 'Service Unavailable', 'the answer should be an object, not text'],
    ['a list where an object belongs', Task, [], 'the answer should be an object, not a list'],
    ['a number where text belongs', Task, taskFixture({ title: 7 }), 'field “title” should be text, not 7'],
    ['null where text belongs', Task, taskFixture({ title: null }), 'field “title” should be text, not null'],
    [
      'a status outside the contract',
      CancelledTask,
      { task_id: 't', status: 'queued' },
      'field “status” should be "cancelled"',
    ],
    ['an empty ID', Task, taskFixture({ task_id: '' }), 'field “task_id” is empty'],
    ['a negative total', TaskList, { tasks: [], total: -1, limit: 50, offset: 0 }, 'field “total” is out of range'],
    [
      'a fraction for a count',
      TaskList,
      { tasks: [], total: 1.5, limit: 50, offset: 0 },
      'field “total” should be a whole number, not 1.5',
    ],
    [
      'a nested task without its status',
      TaskList,
      { tasks: [taskFixture({ status: undefined })], total: 1, limit: 50, offset: 0 },
      'field “tasks.0.status” is missing',
    ],
  ])('names %s', (_, schema, data, expected) => {
    const message = problemWith(schema, data);
    expect(message).toContain(`CodeTether sent an unexpected answer to reading the task: ${expected}`);
    expect(message).toMatch(/contact CodeTether support\.$/);
  });

  it('passes fields the server adds later through', () => {
    const answer = parseAnswer(
      z,
      WebhookSubscription,
      {
        id: 'wh_1',
        url: 'https://hooks.zapier.com/1',
        events: ['task_completed'],
        secret: 's',
        created_at: '2026-12-01T10:00:00Z',
        paused: false,
      },
      'subscribing',
    );
    expect(answer).toMatchObject({ id: 'wh_1', paused: false });
  });
});
