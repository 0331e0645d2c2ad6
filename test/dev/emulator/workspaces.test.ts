import { DEFAULT_OPTIONS } from '../../../dev/emulator/config';
import { api } from '../../../lib/api/contract';
import { useEmulator } from './http';

describe('the emulated workspaces (codebases)', () => {
  const { call } = useEmulator();

  it('lists the demo workspaces as a bare array, asking for no credentials, as production does', async () => {
    const { status, body } = await call('GET', '/v1/agent/workspaces', { token: null });
    expect(status).toBe(200);
    expect(api.WorkspaceList.parse(body)).toEqual(DEFAULT_OPTIONS.workspaces);
    expect((await call('GET', '/v1/agent/workspaces')).status).toBe(200);
  });

  it('gives each workspace every field the server’s to_dict() writes, registered_at naive, nulls where it has none', async () => {
    const { body } = await call('GET', '/v1/agent/workspaces');
    for (const workspace of body) {
      expect(Object.keys(workspace)).toEqual([
        'id',
        'name',
        'path',
        'description',
        'registered_at',
        'agent_config',
        'last_triggered',
        'status',
        'agent_port',
        'session_id',
        'watch_mode',
        'watch_interval',
        'worker_id',
      ]);
      // Python's isoformat() of datetime.utcnow(): microseconds, no offset.
      expect(workspace.registered_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
      expect(['idle', 'running', 'busy', 'error', 'stopped', 'watching']).toContain(workspace.status);
    }
    expect(body[1]).toMatchObject({
      description: '',
      agent_config: {},
      last_triggered: null,
      agent_port: null,
      session_id: null,
      watch_mode: false,
      worker_id: null,
    });
  });
});

describe('a server without its agent bridge', () => {
  const { call } = useEmulator({ workspaces: 'unavailable' });

  it('answers 503 with production’s body', async () => {
    const { status, body } = await call('GET', '/v1/agent/workspaces');
    expect(status).toBe(503);
    expect(body).toEqual({ detail: 'Agent bridge not available' });
  });
});

describe('a server that predates the route', () => {
  const { call } = useEmulator({ workspaces: null });

  it('answers FastAPI’s 404', async () => {
    const { status, body } = await call('GET', '/v1/agent/workspaces');
    expect(status).toBe(404);
    expect(body).toEqual({ detail: 'Not Found' });
  });
});
