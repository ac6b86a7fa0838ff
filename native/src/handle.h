// Shared by every translation unit of the addon: how a JS value holds an at::Tensor, how
// arguments are read, and the one funnel that turns every C++ exception into a JS Error.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <string>
#include <vector>

namespace nc {

// One heap at::Tensor per JS handle. dispose() resets it (never release_resources(): views and
// autograd may still share the storage); the External's finalizer deletes the box.
struct TensorBox {
  at::Tensor tensor;
  int64_t reportedBytes = 0;
};

Napi::Value wrap(Napi::Env env, at::Tensor tensor);
Napi::Value wrapAll(Napi::Env env, const std::vector<at::Tensor>& tensors);
TensorBox* box(const Napi::Value& value);
at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i);
// Undefined or null gives an undefined at::Tensor (an optional argument such as a bias).
at::Tensor optionalTensorArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i);
double numberArg(const Napi::CallbackInfo& info, size_t i);
// A JS integer becomes an integral Scalar so that int64 tensors stay int64, as in Python.
at::Scalar scalarArg(const Napi::CallbackInfo& info, size_t i);
int64_t intArg(const Napi::CallbackInfo& info, size_t i);
bool boolArg(const Napi::CallbackInfo& info, size_t i);
std::string stringArg(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> intListArg(const Napi::CallbackInfo& info, size_t i);
bool isAbsent(const Napi::CallbackInfo& info, size_t i);
at::ScalarType dtypeArg(const Napi::CallbackInfo& info, size_t i);
at::Device deviceArg(const Napi::CallbackInfo& info, size_t i);
at::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex);
// A dtype's code is libtorch's own ScalarType value; -1 for a type the engine does not support.
int dtypeCode(at::ScalarType type);
// { float32: code, ... }: the one table of supported dtypes, exported as dtypeCodes.
Napi::Object dtypeCodeTable(Napi::Env env);
int64_t liveTensorCount();
// Frees the box's tensor and what it reported to V8; dispose() and the GC finalizer both go
// through here, and a second call does nothing.
void releaseTensor(napi_env env, TensorBox* tensorBox);

[[noreturn]] void throwJs(Napi::Env env, const std::string& message);

}  // namespace nc

// Every exported function goes through this: no C++ exception may cross the N-API boundary.
#define NC_FUNCTION(name)                                                            \
  static Napi::Value name##_body(const Napi::CallbackInfo& info);                    \
  static Napi::Value name(const Napi::CallbackInfo& info) {                          \
    try {                                                                            \
      return name##_body(info);                                                      \
    } catch (const Napi::Error&) {                                                   \
      throw;                                                                         \
    } catch (const c10::Error& e) {                                                  \
      throw Napi::Error::New(info.Env(), e.what_without_backtrace());                \
    } catch (const std::exception& e) {                                              \
      throw Napi::Error::New(info.Env(), e.what());                                  \
    } catch (...) {                                                                  \
      throw Napi::Error::New(info.Env(), "libtorch raised an unknown exception in " #name); \
    }                                                                                \
  }                                                                                  \
  static Napi::Value name##_body(const Napi::CallbackInfo& info)

#define NC_EXPORT(exports, name) exports.Set(#name, Napi::Function::New(env, name, #name))
