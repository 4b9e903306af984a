// json-api: a JSON request in, a JSON response out. Takes an order such as
// {"item":"tea","qty":2,"price":3.5,"tags":["hot"]} and answers with its total, or with a JSON
// error for a body that is not JSON or lacks a field. Nothing in the body can make it trap.
import { handle, ok, Result, parseJson, JsonValue } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

function problem(message: string): Uint8Array {
  return JsonValue.object().set("error", JsonValue.string(message)).toBytes();
}

handle((request: Uint8Array): Result<Uint8Array> => {
  const doc = parseJson(request);
  if (doc.isErr) return ok(problem(doc.error!.message));
  const order = doc.value;
  const item = order.getString("item");
  const qty = order.getInt("qty", -1);
  const price = order.getNumber("price");
  if (item === null || qty < 1 || isNaN(price)) return ok(problem("item (string), qty (integer >= 1) and price (number) are required"));
  const tags = order.get("tags");
  return ok(JsonValue.object()
    .set("item", JsonValue.string(item))
    .set("qty", JsonValue.int(qty))
    .set("total", JsonValue.number(<f64>qty * price))
    .set("tags", tags !== null ? tags : JsonValue.array())
    .toBytes());
});
