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
// `accountedStorage` is the storage whose bytes this handle counts towards V8's external memory
// (see handle.cc: a storage is reported once, however many handles and views share it).
struct TensorBox {
  at::Tensor tensor;
  c10::StorageImpl* accountedStorage = nullptr;
};

// Every External the addon hands to JS carries a Node-API type tag naming its kind, and every
// argument reader checks it: a process group passed where a tensor is expected (or any other
// External) is a JS TypeError, never a reinterpretation of the wrong C++ object.
enum class HandleKind { Tensor, ProcessGroup };
// Tags a fresh External; throws if Node-API refuses.
void tagHandle(Napi::Env env, napi_value value, HandleKind kind);
// The External's data if `value` is an External tagged `kind`; otherwise a TypeError that names
// `what` (e.g. "argument 1") and the kind expected.
void* handleData(Napi::Env env, const Napi::Value& value, HandleKind kind, const std::string& what);

// The exported function now running, for error messages ("narrow: argument 2 must be ..."). Set by
// NC_FUNCTION; every entry point runs on a JS thread and calls no JS, so one slot per thread is enough.
void setCurrentOp(const char* name);
// "<op>: <what>", e.g. "narrow: argument 2".
std::string argumentName(size_t i);

Napi::Value wrap(Napi::Env env, at::Tensor tensor);
Napi::Value wrapAll(Napi::Env env, const std::vector<at::Tensor>& tensors);
// The tensor box behind argument i (a tensor handle, disposed or not).
TensorBox* boxArg(const Napi::CallbackInfo& info, size_t i);
at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i);
// Undefined or null gives an undefined at::Tensor (an optional argument such as a bias).
at::Tensor optionalTensorArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i);
double numberArg(const Napi::CallbackInfo& info, size_t i);
// A JS integer becomes an integral Scalar so that int64 tensors stay int64, as in Python.
at::Scalar scalarArg(const Napi::CallbackInfo& info, size_t i);
// An integer: a JS number with no fraction within +-(2^53 - 1), or a BigInt within int64. NaN,
// infinities, fractions and larger numbers are errors naming the argument, never truncated.
int64_t intArg(const Napi::CallbackInfo& info, size_t i);
// The same rule for one value (an array element, an option field); `what` names it in the error.
int64_t integerValue(Napi::Env env, const Napi::Value& value, const std::string& what);
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
// The bytes this addon has reported to this env's V8 as external memory (see handle.cc): what
// V8 itself does with them is not observable from JS, so tests read this.
int64_t reportedExternalBytes(napi_env env);
// Frees the box's tensor and what it reported to V8; dispose() and the GC finalizer both go
// through here, and a second call does nothing.
void releaseTensor(napi_env env, TensorBox* tensorBox);

[[noreturn]] void throwJs(Napi::Env env, const std::string& message);
[[noreturn]] void throwTypeError(Napi::Env env, const std::string& message);
[[noreturn]] void throwRangeError(Napi::Env env, const std::string& message);
// "a number (1.5)", "a string", "a process group handle", ...: what a bad argument was.
std::string describeValue(Napi::Env env, const Napi::Value& value);

}  // namespace nc

// Every exported function goes through this: no C++ exception may cross the N-API boundary.
#define NC_FUNCTION(name)                                                            \
  static Napi::Value name##_body(const Napi::CallbackInfo& info);                    \
  static Napi::Value name(const Napi::CallbackInfo& info) {                          \
    nc::setCurrentOp(#name);                                                         \
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
