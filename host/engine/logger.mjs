// Tarmac's logger capability: the payload is the message; it never fails. `onLog`, if given,
// is called with each line as it is logged.
export function loggerCallbacks(logs, onLog = null) {
  const level = (name) => (payload) => {
    const line = { level: name, message: payload.toString("utf8") };
    logs.push(line);
    onLog?.(line);
    return Buffer.alloc(0);
  };
  return { info: level("info"), warn: level("warn"), error: level("error"), debug: level("debug"), trace: level("trace") };
}
