import { DEFAULT_OPTIONS } from '../../../dev/emulator/config';
import { WorkspaceList } from '../../../lib/api/contract';
import { useEmulator } from './http';

describe('the emulated workspaces (codebases)', () => {
  const { call } = useEmulator();

  it('lists the demo workspaces as a bare array, asking for no credentials, as production does', async () => {
    const { status, body } = await call('GET', '/v1/agent/workspaces', { token: null });
    expect(status).toBe(200);
    expect(WorkspaceList.parse(body)).toEqual(DEFAULT_OPTIONS.workspaces);
    expect((await call('GET', '/v1/agent/workspaces')).status).toBe(200);
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
