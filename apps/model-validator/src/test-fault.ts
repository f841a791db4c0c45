/**
 * Deliberate misbehaviour for the tests that prove the control plane contains a model which hangs or crashes
 * onnxruntime. Nothing but those tests sets the variable; any other value is ignored.
 */
export function testFault(value: string | undefined): () => void {
  const blockForever = () => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  // Blocks the thread for good, like a native loop would: no event loop, no signal handlers, no reply.
  if (value === 'hang') return blockForever;
  if (value === 'crash') {
    // Dies the way a native fault in onnxruntime would: by signal, without a word on the IPC channel.
    return () => {
      process.kill(process.pid, 'SIGSEGV');
      blockForever();
    };
  }
  return () => {};
}
