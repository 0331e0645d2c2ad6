// The floor of the bench's cold start: the least a Zapier app can be that
// creates a CodeTether task. One hand-written step sends the request the
// app's Create Task sends and returns the answer as it came; no schema, no
// input check, no error translation. Like the app, it leaves Node's http
// module unpatched, so the two differ only by the app's own code.
const { version } = require('zapier-platform-core');

module.exports = {
  version: '1.0.0',
  platformVersion: version,
  flags: { skipHttpPatch: true },
  creates: {
    create_task: {
      key: 'create_task',
      noun: 'Task',
      display: { label: 'Create Task', description: 'Creates a task.' },
      operation: {
        perform: async (z, bundle) => {
          const response = await z.request({
            method: 'POST',
            url: `${bundle.authData.base_url}/v1/automation/tasks`,
            headers: { Authorization: `Bearer ${bundle.authData.api_key}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(bundle.inputData),
          });
          return response.data;
        },
      },
    },
  },
};
