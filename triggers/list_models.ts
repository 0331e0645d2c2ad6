import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { callApi } from '../lib/api/client';
import { ApiInfo, MODELS } from '../lib/api/contract';

type ModelChoice = { id: string; name: string };

const choiceOf = (model: string): ModelChoice => ({
  id: model,
  name: model === 'default' ? 'default (CodeTether picks the model)' : model,
});

/**
 * The models of the connected server, from `GET /v1/automation/`. The
 * dropdown must never be empty, so any failure falls back to the contract's list.
 */
const perform = async (z: ZObject, bundle: Bundle): Promise<ModelChoice[]> => {
  let models: readonly string[] = MODELS;
  try {
    const { data } = await callApi(z, bundle, {
      path: [],
      trailingSlash: true,
      schema: ApiInfo,
      what: 'listing models',
    });
    if (data.models?.length) models = data.models;
  } catch {
    // The contract's list is what production accepted when it was written.
  }
  return [...new Set(['default', ...models])].map(choiceOf);
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
    outputFields: [
      { key: 'id', label: 'Model' },
      { key: 'name', label: 'Name' },
    ],
    sample: choiceOf('claude-sonnet'),
  },
});
