// Every import from the host, declared once: the waPC ABI, and the one WASI clock the SDK reads.
// Every other file reaches the host through these.
//
// They are declared here rather than imported from @wapc/as-guest because that module allocates
// a Map at start-up in every module that imports it, and its `hostCall` drops the body of a
// failed call (see host.ts). The signatures are the waPC ABI's.

// @ts-ignore: decorator
@external("wapc", "__guest_request")
export declare function __guest_request(operationPtr: usize, payloadPtr: usize): void;
// @ts-ignore: decorator
@external("wapc", "__guest_response")
export declare function __guest_response(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("wapc", "__guest_error")
export declare function __guest_error(ptr: usize, len: usize): void;
// @ts-ignore: decorator
@external("wapc", "__host_call")
export declare function __host_call(
  bindingPtr: usize, bindingLen: usize,
  namespacePtr: usize, namespaceLen: usize,
  operationPtr: usize, operationLen: usize,
  payloadPtr: usize, payloadLen: usize,
): bool;
// @ts-ignore: decorator
@external("wapc", "__host_response_len")
export declare function __host_response_len(): usize;
// @ts-ignore: decorator
@external("wapc", "__host_response")
export declare function __host_response(ptr: usize): void;
// @ts-ignore: decorator
@external("wapc", "__host_error_len")
export declare function __host_error_len(): usize;
// @ts-ignore: decorator
@external("wapc", "__host_error")
export declare function __host_error(ptr: usize): void;
// @ts-ignore: decorator
@external("wapc", "__console_log")
export declare function __console_log(ptr: usize, len: usize): void;

// WASI preview1's clock (Tarmac provides WASI; wapc-go gives guests the host's real clocks).
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(id: u32, precision: u64, time: usize): u16;
