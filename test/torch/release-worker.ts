// Run with --expose-gc: makes 200 tensors, disposes half, drops them all, and collects.
import { native } from '../../src/torch/native.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const settle = async () => {
  for (let i = 0; i < 20 && native.liveTensors() > 0; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

await settle();
const before = native.liveTensors();
const handles = Array.from({ length: 200 }, () => native.zeros([64, 64], native.dtypeCodes.float32));
const made = native.liveTensors();
for (const handle of handles.slice(0, 100)) native.dispose(handle);
for (const handle of handles.slice(0, 100)) native.dispose(handle);
const disposed = native.liveTensors();
handles.length = 0; // drops the last references, for the collector
await settle();
console.log(JSON.stringify({ before, made, disposed, collected: native.liveTensors() }));
