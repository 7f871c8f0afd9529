/**
 * The README tour's main steps through the typed client (checked by `tsc --noEmit` in
 * tests/test_clients.py): a mistyped path, parameter or field fails the compile.
 */
import { createGatewayClient, type Customer, type ErrorEnvelope } from "../src/index";

export async function tour(baseUrl: string): Promise<void> {
  const gateway = createGatewayClient({ baseUrl, apiKey: "demo-key" });

  // A page of customers, then the next one with its cursor.
  const first = await gateway.GET("/v1/customers", {
    params: { query: { connection: "borderbolt", limit: 2, sort: "name", is_active: true } },
  });
  const cursor = first.data?.meta.next_cursor;
  if (cursor) {
    await gateway.GET("/v1/customers", {
      params: { query: { connection: "borderbolt", limit: 2, sort: "name", cursor } },
    });
  }

  // One customer, with its contacts.
  const one = await gateway.GET("/v1/customers/{id}", { params: { path: { id: "borderbolt:501" } } });
  const customer: Customer | undefined = one.data;
  console.log(customer?.name, customer?.contacts?.length);

  // Create, safe to retry with the same Idempotency-Key.
  const created = await gateway.POST("/v1/customers", {
    params: { query: { connection: "borderbolt" }, header: { "Idempotency-Key": "tour-1" } },
    body: { code: "TOUR-1", name: "Tour B.V.", billing_address: { country: "NL" } },
  });
  const id = created.data?.id;
  if (!id) return;

  // A merge patch: absent fields stay, null clears.
  await gateway.PATCH("/v1/customers/{id}", {
    params: { path: { id } },
    body: { name: "Tour Trading B.V.", website: null },
  });
  await gateway.DELETE("/v1/customers/{id}", { params: { path: { id } } });

  // An error is typed too: the envelope, with its code.
  const missing = await gateway.GET("/v1/customers/{id}", {
    params: { path: { id: "borderbolt:999999" } },
  });
  const error: ErrorEnvelope | undefined = missing.error;
  if (error?.error.code === "not_found") console.log(error.error.message);
}
