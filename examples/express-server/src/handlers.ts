import type { Services } from './context.js';
import type { Handlers } from './routes.js';

/** The API's handlers, by route name of the contract: thin (parse, call a package, respond). */
export function createHandlers(services: Services): Handlers {
  return {
    jwks: [
      (_req, res) => {
        res.json(services.keySet.jwks());
      },
    ],
  };
}
