import type { Handlers } from './app.js';
import type { Services } from './context.js';

/** The API's handlers, by route name of the contract: thin (parse, call a package, respond). */
export function createHandlers(services: Services): Handlers {
  return {
    jwks: [(c) => c.json(services.keySet.jwks())],
  };
}
