// The addon's entry point: every family of functions registers itself here.
#include <napi.h>

#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nc {
void registerCreation(Napi::Env env, Napi::Object exports);
void registerPointwise(Napi::Env env, Napi::Object exports);
void registerReduceShape(Napi::Env env, Napi::Object exports);
void registerNnOps(Napi::Env env, Napi::Object exports);
void registerLinalg(Napi::Env env, Napi::Object exports);
void registerAutograd(Napi::Env env, Napi::Object exports);
void registerDistributed(Napi::Env env, Napi::Object exports);
}  // namespace nc

// glibc serves blocks above its mmap threshold with fresh mappings and unmaps them on free, so a
// training loop that frees and reallocates the same 25 MiB activations every step pays for page
// faults each time (measured here: ReLU forward and backward on 128x64x28x28 took 25 ms instead
// of 3.5 ms). Serving blocks up to 128 MiB from the heap lets them be reused, as in a Python
// process. NCOLLAPSE_MALLOC_TUNING=0 keeps glibc's defaults.
static void tuneAllocator() {
#if defined(__GLIBC__)
  const char* setting = std::getenv("NCOLLAPSE_MALLOC_TUNING");
  if (setting != nullptr && std::strcmp(setting, "0") == 0) return;
  mallopt(M_MMAP_THRESHOLD, 128 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tuneAllocator();
  nc::registerCreation(env, exports);
  nc::registerPointwise(env, exports);
  nc::registerReduceShape(env, exports);
  nc::registerNnOps(env, exports);
  nc::registerLinalg(env, exports);
  nc::registerAutograd(env, exports);
  nc::registerDistributed(env, exports);
  return exports;
}

NODE_API_MODULE(ncollapse_native, Init)
