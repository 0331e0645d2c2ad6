import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { api, MODELS, PATHS } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';

type ModelChoice = { id: string; name: string };

const choiceOf = (model: string): ModelChoice => ({
  id: model,
  name: model === 'default' ? 'default (CodeTether picks the model)' : model,
});

/**
 * The models of the connected server, from `GET /v1/automation/`. A server
 * without that list (no such route, or an answer that names no models) gets
 * the models production accepted when the contract was written; any other
 * failure says what went wrong, so that Zapier can refresh a sign-in or
 * wait out a rate limit.
 */
const perform = async (z: ZObject, _bundle: Bundle): Promise<ModelChoice[]> => {
  const response = await send(z, { url: PATHS.api, skipThrowForStatus: true });
  const listed =
    response.status === 404 || response.status === 405 ? undefined : parse(z, response, api.ApiInfo).models;
  return [...new Set(['default', ...(listed?.length ? listed : MODELS)])].map(choiceOf);
};

export default defineTrigger({
  key: 'list_models',
  noun: 'Model',
  display: {
    label: 'List Models',
    description: 'Triggers when a model is listed, to fill a dropdown.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    sample: choiceOf('claude-sonnet'),
  },
});
