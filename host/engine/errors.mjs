// The two ways a Tarmac callback can end other than with a reply. Every callback module and the
// host itself import them from here (not from tarmac-host.mjs, which imports the callbacks).

/** The error a callback raises to make the host call fail; `body` stays readable by the guest. */
export class CallbackError extends Error {
  constructor(message, body = null) {
    super(message);
    this.body = body;
  }
}

/** A Go panic inside a host function: wazero recovers it and the whole invocation fails. */
export class HostPanic extends Error {}
