#include "handle.h"

#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <utility>

namespace nc {

static std::atomic<int64_t> liveTensors{0};

int64_t liveTensorCount() { return liveTensors.load(); }

[[noreturn]] void throwJs(Napi::Env env, const std::string& message) { throw Napi::Error::New(env, message); }
[[noreturn]] void throwTypeError(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }
[[noreturn]] void throwRangeError(Napi::Env env, const std::string& message) { throw Napi::RangeError::New(env, message); }

static thread_local const char* currentOp = "ncollapse native";

void setCurrentOp(const char* name) { currentOp = name; }

std::string argumentName(size_t i) { return std::string(currentOp) + ": argument " + std::to_string(i); }

// ---- Handle kinds ------------------------------------------------------------------------------
// Random 128-bit tags, one per kind: a value tagged by another addon (or untagged) matches none.
static const napi_type_tag kTensorTag = {0x6e63746e73725f31ULL, 0x9d2c5a0e4f7b8a13ULL};
static const napi_type_tag kProcessGroupTag = {0x6e6370726f635f31ULL, 0x37b1e6d0c94a2f58ULL};

static const napi_type_tag* tagOf(HandleKind kind) { return kind == HandleKind::Tensor ? &kTensorTag : &kProcessGroupTag; }
static const char* nameOf(HandleKind kind) { return kind == HandleKind::Tensor ? "a tensor handle" : "a process group handle"; }

static bool hasTag(Napi::Env env, napi_value value, HandleKind kind) {
  bool result = false;
  return napi_check_object_type_tag(env, value, tagOf(kind), &result) == napi_ok && result;
}

void tagHandle(Napi::Env env, napi_value value, HandleKind kind) {
  if (napi_type_tag_object(env, value, tagOf(kind)) != napi_ok) {
    throwJs(env, std::string("Node-API could not tag ") + nameOf(kind) + " (Node-API 8 with type tags on externals is needed)");
  }
}

std::string describeValue(Napi::Env env, const Napi::Value& value) {
  if (value.IsExternal()) {
    if (hasTag(env, value, HandleKind::Tensor)) return "a tensor handle";
    if (hasTag(env, value, HandleKind::ProcessGroup)) return "a process group handle";
    return "an external value that is not an ncollapse handle";
  }
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsBoolean()) return "a boolean";
  if (value.IsBigInt()) return "a bigint";
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    std::ostringstream text;
    text.precision(17);
    text << d;
    return "the number " + text.str();
  }
  if (value.IsString()) return "a string";
  if (value.IsTypedArray()) return "a typed array";
  if (value.IsArray()) return "an array";
  if (value.IsFunction()) return "a function";
  return "an object";
}

void* handleData(Napi::Env env, const Napi::Value& value, HandleKind kind, const std::string& what) {
  if (!value.IsExternal() || !hasTag(env, value, kind)) {
    throwTypeError(env, what + " must be " + nameOf(kind) + ", got " + describeValue(env, value));
  }
  return value.As<Napi::External<void>>().Data();
}

// ---- External memory ---------------------------------------------------------------------------
// V8 is told about the bytes of each CPU storage that JS handles keep alive, once per storage: a
// view, a detached copy or a second handle to the same tensor shares its base's storage and adds
// nothing. The storage stays counted while any handle on it lives (a view keeps its base's bytes
// alive after the base's handle is disposed). Each account holds a weak reference to its
// StorageImpl, so that its address cannot be reused by another storage while the account exists.
// Keyed by env too: each isolate (main thread, worker) keeps its own count.
struct StorageAccount {
  c10::weak_intrusive_ptr<c10::StorageImpl> storage;
  int64_t handles;
  int64_t bytes;
};
static std::mutex accountsMutex;
static std::map<std::pair<napi_env, c10::StorageImpl*>, StorageAccount> accounts;

// Below this, the call costs more than the pressure is worth.
static constexpr int64_t kSmallestReportedBytes = 4096;

static void accountStorage(napi_env env, TensorBox* tensorBox) {
  const at::Tensor& t = tensorBox->tensor;
  if (!t.is_cpu() || !t.has_storage()) return;
  const c10::Storage& storage = t.storage();
  int64_t bytes = static_cast<int64_t>(storage.nbytes());
  if (bytes < kSmallestReportedBytes) return;
  c10::StorageImpl* impl = storage.unsafeGetStorageImpl();
  bool fresh = false;
  {
    std::lock_guard<std::mutex> lock(accountsMutex);
    auto found = accounts.find({env, impl});
    if (found == accounts.end()) {
      accounts.emplace(std::make_pair(env, impl), StorageAccount{storage.getWeakStorageImpl(), 1, bytes});
      fresh = true;
    } else {
      found->second.handles++;
    }
  }
  tensorBox->accountedStorage = impl;
  if (fresh) {
    int64_t ignored;
    napi_adjust_external_memory(env, bytes, &ignored);
  }
}

int64_t reportedExternalBytes(napi_env env) {
  std::lock_guard<std::mutex> lock(accountsMutex);
  int64_t total = 0;
  for (const auto& entry : accounts) {
    if (entry.first.first == env) total += entry.second.bytes;
  }
  return total;
}

static void unaccountStorage(napi_env env, TensorBox* tensorBox) {
  if (tensorBox->accountedStorage == nullptr) return;
  int64_t released = 0;
  {
    std::lock_guard<std::mutex> lock(accountsMutex);
    auto found = accounts.find({env, tensorBox->accountedStorage});
    if (found != accounts.end() && --found->second.handles == 0) {
      released = found->second.bytes;
      accounts.erase(found);
    }
  }
  tensorBox->accountedStorage = nullptr;
  if (released != 0) {
    // A basic Node-API call, allowed from a GC-time finalizer.
    int64_t ignored;
    napi_adjust_external_memory(env, -released, &ignored);
  }
}

// ---- Tensor handles ----------------------------------------------------------------------------
void releaseTensor(napi_env env, TensorBox* tensorBox) {
  if (tensorBox->tensor.defined()) {
    tensorBox->tensor.reset();
    liveTensors--;
  }
  unaccountStorage(env, tensorBox);
}

static void finalize(Napi::Env env, TensorBox* tensorBox) {
  releaseTensor(env, tensorBox);
  delete tensorBox;
}

Napi::Value wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Undefined();
  // The box belongs to the unique_ptr until the External (and its finalizer) owns it: if creating
  // the External throws, nothing leaks and nothing was counted.
  auto owned = std::make_unique<TensorBox>();
  owned->tensor = std::move(tensor);
  Napi::External<TensorBox> handle = Napi::External<TensorBox>::New(env, owned.get(), finalize);
  TensorBox* tensorBox = owned.release();
  liveTensors++;
  accountStorage(env, tensorBox);
  // From here on a failure leaves a handle that the collector finalizes like any other.
  tagHandle(env, handle, HandleKind::Tensor);
  return handle;
}

Napi::Value wrapAll(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  Napi::Array array = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); i++) array.Set(i, wrap(env, tensors[i]));
  return array;
}

static TensorBox* tensorBoxOf(Napi::Env env, const Napi::Value& value, const std::string& what) {
  return static_cast<TensorBox*>(handleData(env, value, HandleKind::Tensor, what));
}

TensorBox* boxArg(const Napi::CallbackInfo& info, size_t i) { return tensorBoxOf(info.Env(), info[i], argumentName(i)); }

static at::Tensor& liveTensorOf(Napi::Env env, const Napi::Value& value, const std::string& what) {
  TensorBox* tensorBox = tensorBoxOf(env, value, what);
  if (!tensorBox->tensor.defined()) throwJs(env, what + ": tensor used after dispose()");
  return tensorBox->tensor;
}

at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i) { return liveTensorOf(info.Env(), info[i], argumentName(i)); }

bool isAbsent(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull();
}

at::Tensor optionalTensorArg(const Napi::CallbackInfo& info, size_t i) {
  if (isAbsent(info, i)) return at::Tensor();
  return tensorArg(info, i);
}

std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throwTypeError(info.Env(), argumentName(i) + " must be an array of tensor handles, got " + describeValue(info.Env(), info[i]));
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  tensors.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    tensors.push_back(liveTensorOf(info.Env(), array.Get(k), argumentName(i) + " element " + std::to_string(k)));
  }
  return tensors;
}

double numberArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) throwTypeError(info.Env(), argumentName(i) + " must be a number, got " + describeValue(info.Env(), info[i]));
  return info[i].As<Napi::Number>().DoubleValue();
}

at::Scalar scalarArg(const Napi::CallbackInfo& info, size_t i) {
  if (info[i].IsBoolean()) return at::Scalar(info[i].As<Napi::Boolean>().Value());
  double value = numberArg(info, i);
  if (std::nearbyint(value) == value && std::abs(value) < 9.0e15) return at::Scalar(static_cast<int64_t>(value));
  return at::Scalar(value);
}

// Number.MAX_SAFE_INTEGER: every integer up to it is exact in a double, so none was rounded on
// its way here.
static constexpr double kMaxSafeInteger = 9007199254740991.0;

int64_t integerValue(Napi::Env env, const Napi::Value& value, const std::string& what) {
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t result = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throwRangeError(env, what + " must be an integer within int64, got a bigint outside it");
    return result;
  }
  if (!value.IsNumber()) throwTypeError(env, what + " must be an integer, got " + describeValue(env, value));
  double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d) throwTypeError(env, what + " must be an integer, got " + describeValue(env, value));
  if (std::abs(d) > kMaxSafeInteger) {
    throwRangeError(env, what + " must be a safe integer (at most 2^53 - 1 in magnitude), got " + describeValue(env, value));
  }
  return static_cast<int64_t>(d);
}

int64_t intArg(const Napi::CallbackInfo& info, size_t i) { return integerValue(info.Env(), info[i], argumentName(i)); }

bool boolArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsBoolean()) throwTypeError(info.Env(), argumentName(i) + " must be a boolean, got " + describeValue(info.Env(), info[i]));
  return info[i].As<Napi::Boolean>().Value();
}

std::string stringArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) throwTypeError(info.Env(), argumentName(i) + " must be a string, got " + describeValue(info.Env(), info[i]));
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> intListArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throwTypeError(info.Env(), argumentName(i) + " must be an array of integers, got " + describeValue(info.Env(), info[i]));
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<int64_t> values(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    values[k] = integerValue(info.Env(), array.Get(k), argumentName(i) + " element " + std::to_string(k));
  }
  return values;
}

// The element types the engine supports, under the names src/torch/dtype.ts uses. The codes that
// cross the boundary are libtorch's ScalarType values, and JS reads them from dtypeCodes: this is
// the only table.
struct DtypeName {
  const char* name;
  at::ScalarType type;
};
static const DtypeName kDtypes[] = {{"float32", at::kFloat}, {"float64", at::kDouble}, {"int64", at::kLong},
                                    {"bool", at::kBool},     {"int32", at::kInt},      {"uint8", at::kByte}};

at::ScalarType dtypeArg(const Napi::CallbackInfo& info, size_t i) {
  int64_t code = intArg(info, i);
  for (const DtypeName& dtype : kDtypes) {
    if (static_cast<int64_t>(dtype.type) == code) return dtype.type;
  }
  throwJs(info.Env(), argumentName(i) + ": unknown dtype code " + std::to_string(code));
}

int dtypeCode(at::ScalarType type) {
  for (const DtypeName& dtype : kDtypes) {
    if (dtype.type == type) return static_cast<int>(type);
  }
  return -1;
}

Napi::Object dtypeCodeTable(Napi::Env env) {
  Napi::Object table = Napi::Object::New(env);
  for (const DtypeName& dtype : kDtypes) table.Set(dtype.name, Napi::Number::New(env, static_cast<int>(dtype.type)));
  table.Freeze();
  return table;
}

at::Device deviceArg(const Napi::CallbackInfo& info, size_t i) {
  if (isAbsent(info, i)) return at::Device(at::kCPU);
  std::string name = stringArg(info, i);
  if (name != "cpu" && name.rfind("cuda", 0) != 0) throwJs(info.Env(), argumentName(i) + ": unknown device '" + name + "' (expected cpu or cuda[:N])");
  return at::Device(name);
}

at::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex) {
  return at::TensorOptions().dtype(dtypeArg(info, dtypeIndex)).device(deviceArg(info, deviceIndex));
}

}  // namespace nc
