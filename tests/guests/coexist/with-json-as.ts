// A function that imports json-as beside tarmac-as (tests/coexist.test.mjs): the request read
// and the answer written with json-as, the order kept in key:value through the SDK.
import { JSON } from "json-as";
import { handle, ok, fail, kv, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

@json
class Order { item: string = ""; qty: i32 = 0; }

@json
class Receipt { item: string = ""; qty: i32 = 0; total: i32 = 0; orders: i32 = 0; }

handle((request: Uint8Array): Result<Uint8Array> => {
  const order = JSON.parse<Order>(text(request));
  const count = kv.getString("orders");
  const orders = count.isOk ? I32.parseInt(count.value) + 1 : 1;
  let err = kv.setString("orders", orders.toString());
  if (err) return fail(err.toString());
  err = kv.setString("last-order", JSON.stringify(order));
  if (err) return fail(err.toString());
  const r = new Receipt();
  r.item = order.item;
  r.qty = order.qty;
  r.total = order.qty * 3;
  r.orders = orders;
  return ok(JSON.stringify(r));
});
