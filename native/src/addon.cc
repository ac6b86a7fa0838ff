// The addon's entry point: every family of functions registers itself here.
#include <napi.h>

namespace nc {
void registerCreation(Napi::Env env, Napi::Object exports);
void registerPointwise(Napi::Env env, Napi::Object exports);
void registerReduceShape(Napi::Env env, Napi::Object exports);
void registerNnOps(Napi::Env env, Napi::Object exports);
void registerLinalg(Napi::Env env, Napi::Object exports);
void registerAutograd(Napi::Env env, Napi::Object exports);
}  // namespace nc

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  nc::registerCreation(env, exports);
  nc::registerPointwise(env, exports);
  nc::registerReduceShape(env, exports);
  nc::registerNnOps(env, exports);
  nc::registerLinalg(env, exports);
  nc::registerAutograd(env, exports);
  return exports;
}

NODE_API_MODULE(ncollapse_native, Init)
