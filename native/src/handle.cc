#include "handle.h"

#include <atomic>
#include <cmath>

namespace nc {

static std::atomic<int64_t> liveTensors{0};

int64_t liveTensorCount() { return liveTensors.load(); }

[[noreturn]] void throwJs(Napi::Env env, const std::string& message) {
  throw Napi::Error::New(env, message);
}

static int64_t bytesOf(const at::Tensor& t) {
  return t.defined() ? static_cast<int64_t>(t.numel() * t.element_size()) : 0;
}

void releaseTensor(napi_env env, TensorBox* tensorBox) {
  if (tensorBox->tensor.defined()) {
    tensorBox->tensor.reset();
    liveTensors--;
  }
  if (tensorBox->reportedBytes != 0) {
    // A basic Node-API call, allowed from a GC-time finalizer.
    int64_t ignored;
    napi_adjust_external_memory(env, -tensorBox->reportedBytes, &ignored);
    tensorBox->reportedBytes = 0;
  }
}

static void finalize(Napi::Env env, TensorBox* tensorBox) {
  releaseTensor(env, tensorBox);
  delete tensorBox;
}

Napi::Value wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Undefined();
  auto* tensorBox = new TensorBox{std::move(tensor), 0};
  liveTensors++;
  // Only CPU bytes pressure V8's heap heuristics; small tensors are not worth the call.
  int64_t bytes = tensorBox->tensor.is_cpu() ? bytesOf(tensorBox->tensor) : 0;
  if (bytes >= 4096) {
    int64_t ignored;
    napi_adjust_external_memory(env, bytes, &ignored);
    tensorBox->reportedBytes = bytes;
  }
  return Napi::External<TensorBox>::New(env, tensorBox, finalize);
}

Napi::Value wrapAll(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  Napi::Array array = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); i++) array.Set(i, wrap(env, tensors[i]));
  return array;
}

TensorBox* box(const Napi::Value& value) {
  if (!value.IsExternal()) throwJs(value.Env(), "expected a tensor handle");
  return value.As<Napi::External<TensorBox>>().Data();
}

at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length()) throwJs(info.Env(), "missing tensor argument " + std::to_string(i));
  TensorBox* tensorBox = box(info[i]);
  if (!tensorBox->tensor.defined()) throwJs(info.Env(), "tensor used after dispose()");
  return tensorBox->tensor;
}

bool isAbsent(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull();
}

at::Tensor optionalTensorArg(const Napi::CallbackInfo& info, size_t i) {
  if (isAbsent(info, i)) return at::Tensor();
  return tensorArg(info, i);
}

std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) throwJs(info.Env(), "expected an array of tensors");
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  tensors.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    TensorBox* tensorBox = box(array.Get(k));
    if (!tensorBox->tensor.defined()) throwJs(info.Env(), "tensor used after dispose()");
    tensors.push_back(tensorBox->tensor);
  }
  return tensors;
}

double numberArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throwJs(info.Env(), "expected a number for argument " + std::to_string(i));
  return info[i].As<Napi::Number>().DoubleValue();
}

at::Scalar scalarArg(const Napi::CallbackInfo& info, size_t i) {
  if (i < info.Length() && info[i].IsBoolean()) return at::Scalar(info[i].As<Napi::Boolean>().Value());
  double value = numberArg(info, i);
  if (std::nearbyint(value) == value && std::abs(value) < 9.0e15) return at::Scalar(static_cast<int64_t>(value));
  return at::Scalar(value);
}

int64_t intArg(const Napi::CallbackInfo& info, size_t i) {
  if (i < info.Length() && info[i].IsBigInt()) {
    bool lossless;
    return info[i].As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (i >= info.Length() || !info[i].IsNumber()) throwJs(info.Env(), "expected an integer for argument " + std::to_string(i));
  return info[i].As<Napi::Number>().Int64Value();
}

bool boolArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsBoolean()) throwJs(info.Env(), "expected a boolean for argument " + std::to_string(i));
  return info[i].As<Napi::Boolean>().Value();
}

std::string stringArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsString()) throwJs(info.Env(), "expected a string for argument " + std::to_string(i));
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> intListArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) throwJs(info.Env(), "expected an array of integers for argument " + std::to_string(i));
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<int64_t> values(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    Napi::Value v = array.Get(k);
    if (!v.IsNumber()) throwJs(info.Env(), "expected an array of integers for argument " + std::to_string(i));
    values[k] = v.As<Napi::Number>().Int64Value();
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
  throwJs(info.Env(), "unknown dtype code " + std::to_string(code));
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
  if (name != "cpu" && name.rfind("cuda", 0) != 0) throwJs(info.Env(), "unknown device '" + name + "' (expected cpu or cuda[:N])");
  return at::Device(name);
}

at::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex) {
  return at::TensorOptions().dtype(dtypeArg(info, dtypeIndex)).device(deviceArg(info, deviceIndex));
}

}  // namespace nc
