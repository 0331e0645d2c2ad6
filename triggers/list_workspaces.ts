import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { api, GLOBAL_CODEBASE, PATHS } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';
import { excerpt } from '../lib/api/text';
import { requestedPage } from '../lib/steps/step-input';

type CodebaseChoice = { id: string; name: string };

const noCodebase: CodebaseChoice = { id: GLOBAL_CODEBASE, name: 'global (no particular codebase)' };

/** Choices per page of the dropdown ("Load more" shows the next): a server may list thousands of codebases. */
export const CODEBASES_PER_PAGE = 100;
/** The longest name a choice shows; the ID is kept whole. */
const MAX_NAME_LENGTH = 80;

const TYPE_IT = 'You can still type a codebase ID in the Codebase field, or leave it at `global`.';

/**
 * The workspaces registered on the connected server, `global` first, a page
 * at a time. A dropdown trigger that fails shows its message in the
 * dropdown, so a server without the route, or without its agent bridge,
 * says so there.
 */
const perform = async (z: ZObject, bundle: Bundle): Promise<CodebaseChoice[]> => {
  const response = await send(z, { url: PATHS.workspaces, skipThrowForStatus: true });
  if (response.status === 404) {
    throw new z.errors.Error(
      `This CodeTether server does not offer a list of its codebases. ${TYPE_IT}`,
      'codebases_not_listed',
      404,
    );
  }
  if (response.status === 503) {
    throw new z.errors.Error(
      `This CodeTether server cannot list its codebases right now: its agent bridge is not available. ${TYPE_IT}`,
      'codebases_unavailable',
      503,
    );
  }
  const choices = [
    noCodebase,
    ...parse(z, response, api.WorkspaceList)
      .filter((workspace) => workspace.id !== GLOBAL_CODEBASE)
      .map((workspace) => ({ id: workspace.id, name: excerpt(workspace.name || workspace.id, MAX_NAME_LENGTH) })),
  ];
  const page = requestedPage(bundle.meta);
  return choices.slice(page * CODEBASES_PER_PAGE, (page + 1) * CODEBASES_PER_PAGE);
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
    canPaginate: true,
    perform,
    sample: { id: 'ws_8Kd3nP0qRt', name: 'marketing-site' } satisfies CodebaseChoice,
  },
});
