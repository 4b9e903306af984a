// Declarations for the TypeScript compiler and editors only; `asc` never reads this file.
//
// AssemblyScript's standard typings (assemblyscript/std/assembly.json) declare the language's
// builtins, but not the runtime interface that the runtime files (rt/tlsf.ts, rt/itcms.ts,
// rt/tcms.ts, rt/stub.ts) define as globals. The SDK allocates with `__new` and `__renew` and
// collects with `__collect`; the rest are here so that a function's own code may use them too.
// Signatures as in AssemblyScript's std/assembly/rt/index.d.ts (0.28).

// Memory manager
/** Allocates a block of at least `size` bytes; returns its address. */
declare function __alloc(size: usize): usize;
/** Grows or shrinks the block at `ptr` to `size` bytes, moving it if needed; returns its address. */
declare function __realloc(ptr: usize, size: usize): usize;
/** Frees the block at `ptr`. */
declare function __free(ptr: usize): void;

// Garbage collector
/** Allocates a managed object of `size` bytes and class id `id` (`idof<T>()`); returns its address. */
declare function __new(size: usize, id: u32): usize;
/** Resizes the managed object at `ptr` to `size` bytes, moving it if needed; returns its address. */
declare function __renew(ptr: usize, size: usize): usize;
/** Tells the collector that the object at `parentPtr` references the one at `childPtr`. */
declare function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void;
/** Keeps the object at `ptr` alive until `__unpin`; returns `ptr`. */
declare function __pin(ptr: usize): usize;
/** Lets the collector free the object at `ptr` again. */
declare function __unpin(ptr: usize): void;
/** Runs a full garbage collection. */
declare function __collect(): void;
/** Visits the object at `ptr` during a collection. */
declare function __visit(ptr: usize, cookie: i32): void;
