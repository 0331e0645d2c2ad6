import nock from 'nock';
import createTask from '../../creates/create_task';
import runTask from '../../creates/run_task';
import listWorkspaces from '../../triggers/list_workspaces';
import { BASE, dropdownChoices, failureOf, SECRETS, useNock } from '../support/app';

useNock();

const listed = () => dropdownChoices<{ id: string; name: string }>(listWorkspaces);

const workspace = (id: string, name: string | null) => ({
  id,
  name,
  path: `/srv/workspaces/${id}`,
  description: '',
  registered_at: '2026-10-02T08:15:00',
  status: 'active',
  agent_count: 2,
});

describe('the Codebase dropdown (list_workspaces)', () => {
  it('offers global first, then each workspace of GET /v1/agent/workspaces by name, sending the token', async () => {
    const scope = nock(BASE, {
      reqheaders: { authorization: `Bearer ${SECRETS.apiKey}` },
    })
      .get('/v1/agent/workspaces')
      .reply(200, [
        workspace('ws_marketing_site', 'marketing-site'),
        workspace('global', 'Global'),
        workspace('ws_unnamed', null),
      ]);
    expect(await listed()).toEqual([
      { id: 'global', name: 'global (no particular codebase)' },
      { id: 'ws_marketing_site', name: 'marketing-site' },
      { id: 'ws_unnamed', name: 'ws_unnamed' },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('offers only global when the server has no workspace', async () => {
    nock(BASE).get('/v1/agent/workspaces').reply(200, []);
    expect(await listed()).toEqual([{ id: 'global', name: 'global (no particular codebase)' }]);
  });

  it.each([
    [
      'a server without the route (404)',
      404,
      { detail: 'Not Found' },
      'This CodeTether server does not offer a list of its codebases. You can still type a codebase ID in the Codebase field, or leave it at `global`.',
    ],
    [
      'a server without its agent bridge (503)',
      503,
      { detail: 'Agent bridge not available' },
      'This CodeTether server cannot list its codebases right now: its agent bridge is not available. You can still type a codebase ID in the Codebase field, or leave it at `global`.',
    ],
  ])('says why the dropdown is empty for %s', async (_case, status, body, message) => {
    nock(BASE).get('/v1/agent/workspaces').reply(status, body);
    expect((await failureOf(listed())).message).toBe(message);
  });

  it('names what is wrong with an answer that is no list of workspaces', async () => {
    nock(BASE).get('/v1/agent/workspaces').reply(200, { workspaces: [] });
    expect((await failureOf(listed())).message).toMatch(/^CodeTether sent an unexpected answer to listing codebases/);
  });

  it.each([createTask, runTask])('feeds the Codebase field of $key, which still takes a typed ID', (step) => {
    const field = step.operation.inputFields!.find((input) => 'key' in input && input.key === 'codebase_id');
    expect(field).toMatchObject({
      label: 'Codebase',
      dynamic: 'list_workspaces.id.name',
      default: 'global',
    });
    expect(field).not.toHaveProperty('choices');
    expect(listWorkspaces.display.hidden).toBe(true);
  });
});
