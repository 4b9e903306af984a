// Result<T>: a value or a typed error. AssemblyScript has no exceptions, so every SDK call
// that can fail returns one of these instead of throwing.

import { ErrorKind, TarmacError, E_HANDLER_FAILED } from "./errors";

/**
 * A value of type T, or a `TarmacError`.
 *
 * ```ts
 * const r = kv.getString("greeting");
 * if (r.isOk) return ok(r.value);
 * if (r.error!.kind == ErrorKind.NotFound) return Result.fail<Uint8Array>("no greeting yet");
 * ```
 */
export class Result<T> {
  private constructor(private readonly _value: T, public readonly error: TarmacError | null) {}

  /** A success carrying `value`. `Result.ok<string>("hi")` */
  static ok<T>(value: T): Result<T> {
    return new Result<T>(value, null);
  }

  /** A failure carrying `error`. `Result.err<string>(err)` */
  static err<T>(error: TarmacError): Result<T> {
    return new Result<T>(zero<T>(), error);
  }

  /** A handler failure with a message; Tarmac answers HTTP 500. `Result.fail<Uint8Array>("bad input")` */
  static fail<T>(message: string): Result<T> {
    return new Result<T>(zero<T>(), new TarmacError(ErrorKind.Handler, message.length ? message : E_HANDLER_FAILED()));
  }

  /** True when this holds a value. `if (r.isOk) ...` */
  get isOk(): bool {
    return this.error === null;
  }

  /** True when this holds an error. `if (r.isErr) log.error(r.error!.message)` */
  get isErr(): bool {
    return this.error !== null;
  }

  /** True when this is an error of the given kind. `if (r.is(ErrorKind.NotFound)) ...` */
  is(kind: ErrorKind): bool {
    const e = this.error;
    return e !== null && e.kind == kind;
  }

  /**
   * The value. Reading it from an error is a programming mistake: it aborts the current request
   * with the error's text (the instance keeps serving). Check `isOk` first, or use `unwrapOr`.
   *
   * ```ts
   * const greeting = r.isOk ? r.value : "hello";
   * ```
   */
  get value(): T {
    const e = this.error;
    if (e !== null) {
      abort(e.toString());
      unreachable();
    }
    return this._value;
  }

  /** The value, or `fallback` on error. `kv.getString("n").unwrapOr("0")` */
  unwrapOr(fallback: T): T {
    return this.error === null ? this._value : fallback;
  }
}

// @ts-ignore: decorator
@inline function zero<T>(): T {
  if (isInteger<T>()) return <T>0;
  if (isFloat<T>()) return <T>0.0;
  return changetype<T>(0);
}
