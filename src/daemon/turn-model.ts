import { HttpTurnModel } from '../adapters/turn-model/http-turn-model.js';
import type { TurnModelConfig } from '../config/turn-model-schema.js';
import type { CoreAdapters } from '../core/core-inputs.js';

/** The turn model the config asks for (`states.turnModel`), or none: the rules decide alone. */
export function turnModelOf(c: TurnModelConfig): Pick<CoreAdapters, 'turnModel'> {
  if (!c.enabled || c.url === undefined || c.model === undefined) return {};
  return { turnModel: new HttpTurnModel({ api: c.api, url: c.url, model: c.model, apiKey: c.apiKey }) };
}
