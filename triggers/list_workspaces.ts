import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { callApi } from '../lib/api/client';
import { GLOBAL_CODEBASE, WORKSPACES_PREFIX, WorkspaceList } from '../lib/api/contract';

type CodebaseChoice = { id: string; name: string };

const noCodebase: CodebaseChoice = { id: GLOBAL_CODEBASE, name: 'global (no particular codebase)' };

const TYPE_IT = 'You can still type a codebase ID in the Codebase field, or leave it at `global`.';

/**
 * The workspaces registered on the connected server, `global` first. A
 * dropdown trigger that fails shows its message in the dropdown, so a server
 * without the route, or without its agent bridge, says so there.
 */
const perform = async (z: ZObject, bundle: Bundle): Promise<CodebaseChoice[]> => {
  const answer = await callApi(z, bundle, {
    prefix: WORKSPACES_PREFIX,
    path: ['workspaces'],
    schema: WorkspaceList,
    what: 'listing codebases',
    expect: [404, 503],
  });
  if (answer.ok) {
    const workspaces = answer.data.filter((workspace) => workspace.id !== GLOBAL_CODEBASE);
    return [noCodebase, ...workspaces.map((workspace) => ({ id: workspace.id, name: workspace.name || workspace.id }))];
  }
  if (answer.status === 404) {
    throw new z.errors.Error(
      `This CodeTether server does not offer a list of its codebases. ${TYPE_IT}`,
      'codebases_not_listed',
      404,
    );
  }
  throw new z.errors.Error(
    `This CodeTether server cannot list its codebases right now: its agent bridge is not available. ${TYPE_IT}`,
    'codebases_unavailable',
    503,
  );
};

export default defineTrigger({
  key: 'list_workspaces',
  noun: 'Codebase',
  display: {
    label: 'List Codebases',
    description: 'Triggers when a codebase is listed, to fill a dropdown.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    outputFields: [
      { key: 'id', label: 'Codebase ID' },
      { key: 'name', label: 'Name' },
    ],
    sample: { id: 'ws_8Kd3nP0qRt', name: 'marketing-site' },
  },
});
