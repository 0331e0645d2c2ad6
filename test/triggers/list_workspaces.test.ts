import nock from 'nock';
import createTask from '../../creates/create_task';
import runTask from '../../creates/run_task';
import listWorkspaces, { CODEBASES_PER_PAGE } from '../../triggers/list_workspaces';
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

  it('pages a long list of codebases: every one reachable with “Load more”, one page at a time', async () => {
    const many = Array.from({ length: 1_000 }, (_, n) => workspace(`ws_${n}`, `codebase ${n}`));
    nock(BASE).get('/v1/agent/workspaces').times(11).reply(200, many);
    const pages: { id: string; name: string }[][] = [];
    for (let page = 0; page <= 10; page++) pages.push(await dropdownChoices(listWorkspaces, { page }));
    expect(pages.map((choices) => choices.length)).toEqual([...Array(10).fill(CODEBASES_PER_PAGE), 1]);
    expect(pages.flat().map((choice) => choice.id)).toEqual(['global', ...many.map((codebase) => codebase.id)]);
    expect(listWorkspaces.operation.canPaginate).toBe(true);
  });

  it('answers a page far below Zapier’s 6 MB for a server with 10,000 codebases of long names (10 MB in all)', async () => {
    const many = Array.from({ length: 10_000 }, (_, n) => workspace(`ws_${n}`, `${'team-'.repeat(200)}${n}`));
    expect(JSON.stringify(many).length).toBeGreaterThan(10_000_000);
    nock(BASE).get('/v1/agent/workspaces').times(2).reply(200, many);
    for (const page of [0, 100]) {
      const choices = await dropdownChoices<{ id: string; name: string }>(listWorkspaces, { page });
      expect(JSON.stringify(choices).length).toBeLessThan(20_000);
      // A name is clipped to a short excerpt; the ID, which the field sends, is whole.
      for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(80);
      if (page === 100) expect(choices).toEqual([{ id: 'ws_9999', name: expect.stringMatching(/^team-team-.*…$/) }]);
    }
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
