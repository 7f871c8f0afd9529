/**
 * A typed client for Customer Gateway: openapi-fetch over the types openapi-typescript
 * generates from the gateway's /openapi.json (./schema.d.ts, `make clients`). Every path,
 * parameter, body and answer is checked by the compiler; the wrapper only adds the API
 * key. docs/clients.md shows how to use and regenerate it.
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, operations, paths } from "./schema";
export type Customer = components["schemas"]["Customer"];
export type CustomerCreate = components["schemas"]["CustomerCreate"];
export type CustomerPatch = components["schemas"]["CustomerPatch"];
export type ConnectionName = components["schemas"]["ConnectionName"];
export type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];

export interface GatewayOptions extends ClientOptions {
  /** The gateway's origin, e.g. http://127.0.0.1:8000 */
  baseUrl: string;
  /** An API key from the gateway's config (sent as Authorization: Bearer). */
  apiKey: string;
}

/** A client for one gateway and key: `client.GET("/v1/customers/{id}", ...)`. */
export function createGatewayClient({ apiKey, ...options }: GatewayOptions): Client<paths> {
  const client = createClient<paths>(options);
  client.use({
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${apiKey}`);
      return request;
    },
  });
  return client;
}
