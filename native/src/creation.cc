// Tensors in and out of JS, factories, tensor metadata, seeds, threads and devices.
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#include <cstring>

#include "handle.h"

namespace nc {

NC_FUNCTION(fromTypedArray) {
  // (typedArray, shape, dtypeCode): copies, so the JS buffer may be reused or collected.
  if (!info[0].IsTypedArray()) throwTypeError(info.Env(), argumentName(0) + " must be a typed array, got " + describeValue(info.Env(), info[0]));
  Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = intListArg(info, 1);
  at::ScalarType dtype = dtypeArg(info, 2);
  at::Tensor result = at::empty(shape, at::TensorOptions().dtype(dtype));
  size_t bytes = result.numel() * result.element_size();
  if (bytes != array.ByteLength()) {
    throwJs(info.Env(), "fromTypedArray: the data has " + std::to_string(array.ByteLength()) + " bytes, the shape needs " +
                            std::to_string(bytes));
  }
  uint8_t* data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  if (bytes > 0) std::memcpy(result.data_ptr(), data, bytes);
  return wrap(info.Env(), result);
}

NC_FUNCTION(toTypedArray) {
  at::Tensor t = tensorArg(info, 0).detach().to(at::kCPU).contiguous();
  size_t bytes = t.numel() * t.element_size();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes > 0) std::memcpy(buffer.Data(), t.data_ptr(), bytes);
  size_t n = t.numel();
  switch (t.scalar_type()) {
    case at::kFloat: return Napi::Float32Array::New(info.Env(), n, buffer, 0);
    case at::kDouble: return Napi::Float64Array::New(info.Env(), n, buffer, 0);
    case at::kLong: return Napi::BigInt64Array::New(info.Env(), n, buffer, 0);
    case at::kInt: return Napi::Int32Array::New(info.Env(), n, buffer, 0);
    case at::kBool:
    case at::kByte: return Napi::Uint8Array::New(info.Env(), n, buffer, 0);
    default: throwJs(info.Env(), std::string("toTypedArray: unsupported dtype ") + c10::toString(t.scalar_type()));
  }
}

NC_FUNCTION(item) {
  at::Tensor& t = tensorArg(info, 0);
  if (t.numel() != 1) throwJs(info.Env(), "item() needs a tensor with one element, this one has " + std::to_string(t.numel()));
  return Napi::Number::New(info.Env(), t.item<double>());
}

NC_FUNCTION(shape) {
  at::Tensor& t = tensorArg(info, 0);
  Napi::Array array = Napi::Array::New(info.Env(), t.dim());
  for (int64_t k = 0; k < t.dim(); k++) array.Set(static_cast<uint32_t>(k), Napi::Number::New(info.Env(), t.size(k)));
  return array;
}

NC_FUNCTION(dtype) { return Napi::Number::New(info.Env(), dtypeCode(tensorArg(info, 0).scalar_type())); }

NC_FUNCTION(device) { return Napi::String::New(info.Env(), tensorArg(info, 0).device().str()); }

NC_FUNCTION(numel) { return Napi::Number::New(info.Env(), static_cast<double>(tensorArg(info, 0).numel())); }

NC_FUNCTION(dispose) {
  releaseTensor(info.Env(), boxArg(info, 0));
  return info.Env().Undefined();
}

NC_FUNCTION(isDisposed) { return Napi::Boolean::New(info.Env(), !boxArg(info, 0)->tensor.defined()); }

NC_FUNCTION(liveTensors) { return Napi::Number::New(info.Env(), static_cast<double>(liveTensorCount())); }

NC_FUNCTION(externalBytes) { return Napi::Number::New(info.Env(), static_cast<double>(reportedExternalBytes(info.Env()))); }

// Factories: (shape, dtypeCode, device)
NC_FUNCTION(zeros) { return wrap(info.Env(), at::zeros(intListArg(info, 0), optionsArg(info, 1, 2))); }
NC_FUNCTION(ones) { return wrap(info.Env(), at::ones(intListArg(info, 0), optionsArg(info, 1, 2))); }
NC_FUNCTION(empty) { return wrap(info.Env(), at::empty(intListArg(info, 0), optionsArg(info, 1, 2))); }
NC_FUNCTION(randn) { return wrap(info.Env(), at::randn(intListArg(info, 0), optionsArg(info, 1, 2))); }
NC_FUNCTION(rand) { return wrap(info.Env(), at::rand(intListArg(info, 0), optionsArg(info, 1, 2))); }
// (shape, value, dtypeCode, device)
NC_FUNCTION(full) { return wrap(info.Env(), at::full(intListArg(info, 0), numberArg(info, 1), optionsArg(info, 2, 3))); }
// (start, end, step, dtypeCode, device)
NC_FUNCTION(arange) {
  return wrap(info.Env(), at::arange(numberArg(info, 0), numberArg(info, 1), numberArg(info, 2), optionsArg(info, 3, 4)));
}
// (low, high, shape, device): int64
NC_FUNCTION(randint) {
  return wrap(info.Env(), at::randint(intArg(info, 0), intArg(info, 1), intListArg(info, 2),
                                      at::TensorOptions().dtype(at::kLong).device(deviceArg(info, 3))));
}
// (n, device): int64
NC_FUNCTION(randperm) {
  return wrap(info.Env(), at::randperm(intArg(info, 0), at::TensorOptions().dtype(at::kLong).device(deviceArg(info, 1))));
}
// (n, dtypeCode, device)
NC_FUNCTION(eye) { return wrap(info.Env(), at::eye(intArg(info, 0), optionsArg(info, 1, 2))); }

NC_FUNCTION(manualSeed) {
  at::manual_seed(static_cast<uint64_t>(intArg(info, 0)));
  return info.Env().Undefined();
}

NC_FUNCTION(setNumThreads) {
  int64_t n = intArg(info, 0);
  if (n < 1 || n > 1 << 16) throwRangeError(info.Env(), argumentName(0) + ": setNumThreads needs a positive count of at most 65536, got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

NC_FUNCTION(getNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

NC_FUNCTION(cudaIsAvailable) { return Napi::Boolean::New(info.Env(), at::hasCUDA()); }

NC_FUNCTION(cudaDeviceCount) {
  return Napi::Number::New(info.Env(), at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0);
}

NC_FUNCTION(cudaSynchronize) {
  // A tiny device-to-host copy waits for the queued kernels of the current stream.
  if (at::hasCUDA()) at::zeros({1}, at::TensorOptions().device(at::kCUDA)).cpu();
  return info.Env().Undefined();
}

NC_FUNCTION(version) {
  return Napi::String::New(info.Env(), std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                                           std::to_string(TORCH_VERSION_PATCH));
}

void registerCreation(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, fromTypedArray);
  NC_EXPORT(exports, toTypedArray);
  NC_EXPORT(exports, item);
  NC_EXPORT(exports, shape);
  NC_EXPORT(exports, dtype);
  NC_EXPORT(exports, device);
  NC_EXPORT(exports, numel);
  NC_EXPORT(exports, dispose);
  NC_EXPORT(exports, isDisposed);
  NC_EXPORT(exports, liveTensors);
  NC_EXPORT(exports, externalBytes);
  NC_EXPORT(exports, zeros);
  NC_EXPORT(exports, ones);
  NC_EXPORT(exports, empty);
  NC_EXPORT(exports, randn);
  NC_EXPORT(exports, rand);
  NC_EXPORT(exports, full);
  NC_EXPORT(exports, arange);
  NC_EXPORT(exports, randint);
  NC_EXPORT(exports, randperm);
  NC_EXPORT(exports, eye);
  NC_EXPORT(exports, manualSeed);
  NC_EXPORT(exports, setNumThreads);
  NC_EXPORT(exports, getNumThreads);
  NC_EXPORT(exports, cudaIsAvailable);
  NC_EXPORT(exports, cudaDeviceCount);
  NC_EXPORT(exports, cudaSynchronize);
  NC_EXPORT(exports, version);
  exports.Set("dtypeCodes", dtypeCodeTable(env));
}

}  // namespace nc
