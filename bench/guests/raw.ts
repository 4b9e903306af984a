// Benchmark guest: the floor. The bare waPC host call with a request precomputed by the
// benchmark, reading the reply into a reused buffer; nothing parsed or decoded.
// request: [op u8][n u32][operation length u8][operation][request bytes]
@external("wapc", "__guest_request") declare function guestRequest(op: usize, payload: usize): void;
@external("wapc", "__guest_response") declare function guestResponse(ptr: usize, len: usize): void;
@external("wapc", "__host_call") declare function hostCall(b: usize, bl: usize, n: usize, nl: usize, o: usize, ol: usize, p: usize, pl: usize): bool;
@external("wapc", "__host_response_len") declare function hostResponseLen(): usize;
@external("wapc", "__host_response") declare function hostResponse(ptr: usize): void;

let reply: usize = 0;
let replyCap: usize = 0;

export function __guest_call(opLen: usize, payloadLen: usize): bool {
  const op = heap.alloc(opLen);
  const req = heap.alloc(payloadLen);
  guestRequest(op, req);
  const n = load<u32>(req + 1);
  const nameLen = <usize>load<u8>(req + 5);
  const name = req + 6;
  const body = name + nameLen;
  const bodyLen = payloadLen - 6 - nameLen;
  const names = memory.data<u8>([116, 97, 114, 109, 97, 99, 107, 118, 115, 116, 111, 114, 101]); // "tarmac" "kvstore"
  for (let i: u32 = 0; i < n; i++) {
    hostCall(names, 6, names + 6, 7, name, nameLen, body, bodyLen);
    const len = hostResponseLen();
    if (len > replyCap) { if (reply) heap.free(reply); reply = heap.alloc(len); replyCap = len; }
    hostResponse(reply);
  }
  heap.free(op);
  heap.free(req);
  guestResponse(0, 0);
  return true;
}
