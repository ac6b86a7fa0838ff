/**
 * A test hook for the crash tests: with NCOLLAPSE_TEST_WRITE_PAUSE_MS set, every atomic write
 * stops for that long after its bytes are written and before the rename, so that a test can kill
 * the process while a temporary file exists. Unset (always, outside tests) it costs nothing.
 */
export function pauseBeforeRename(): void {
  const ms = Number(process.env.NCOLLAPSE_TEST_WRITE_PAUSE_MS ?? 0);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
