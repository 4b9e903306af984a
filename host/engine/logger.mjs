// Tarmac's logger capability: the payload is the message; it never fails.
export function loggerCallbacks(logs) {
  const level = (name) => (payload) => { logs.push({ level: name, message: payload.toString("utf8") }); return Buffer.alloc(0); };
  return { info: level("info"), warn: level("warn"), error: level("error"), debug: level("debug"), trace: level("trace") };
}
