/** The Task field of the steps that act on one task: a dropdown of recent tasks that also takes a mapped ID. */
export const taskPickerField = <const Required extends boolean>(required: Required, helpText: string) =>
  ({
    key: 'task_id',
    label: 'Task',
    type: 'string',
    required,
    dynamic: 'list_recent_tasks.id.title',
    helpText,
  }) as const;
