// Host callbacks are synchronous, but real I/O in Node is not: a worker thread does the I/O
// while the calling thread waits on a shared flag, as a Go host's blocking call would.
import { Worker, MessageChannel, receiveMessageOnPort } from "node:worker_threads";

export class SyncBridge {
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(new URL("./io-worker.mjs", import.meta.url), { workerData: { port: port2, flag: this.flag }, transferList: [port2] });
    this.worker.unref();
  }

  /** Runs `kind` (see io-worker.mjs) with `args` in the worker and returns its result. */
  call(kind, args) {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ kind, args });
    Atomics.wait(this.flag, 0, 0);
    const reply = receiveMessageOnPort(this.port);
    if (!reply) throw new Error("io worker gave no answer");
    return reply.message;
  }

  close() {
    return this.worker.terminate();
  }
}
