// Answers "Hello, <body>!", or "Hello, world!" for an empty body.
import { handle, ok, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

handle((request: Uint8Array): Result<Uint8Array> => {
  const name = request.length > 0 ? text(request) : "world";
  return ok("Hello, " + name + "!");
});
