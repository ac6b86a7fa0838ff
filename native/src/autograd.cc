// Autograd: gradients of leaves, backward, and the global grad mode.
#include <c10/core/GradMode.h>

#include "handle.h"

namespace nc {

NC_FUNCTION(requiresGrad) { return Napi::Boolean::New(info.Env(), tensorArg(info, 0).requires_grad()); }

NC_FUNCTION(setRequiresGrad) {
  tensorArg(info, 0).set_requires_grad(boolArg(info, 1));
  return info.Env().Undefined();
}

// (t, gradient?, retainGraph?)
NC_FUNCTION(backward) {
  at::Tensor& t = tensorArg(info, 0);
  at::Tensor gradient = optionalTensorArg(info, 1);
  c10::optional<bool> retain = isAbsent(info, 2) ? c10::nullopt : c10::optional<bool>(boolArg(info, 2));
  t.backward(gradient, retain, false);
  return info.Env().Undefined();
}

// The accumulated gradient (a new handle sharing its storage), or undefined.
NC_FUNCTION(grad) { return wrap(info.Env(), tensorArg(info, 0).grad()); }

// (t, gradient | undefined): undefined resets it, as zero_grad(set_to_none=True).
NC_FUNCTION(setGrad) {
  at::Tensor& t = tensorArg(info, 0);
  t.mutable_grad() = isAbsent(info, 1) ? at::Tensor() : tensorArg(info, 1);
  return info.Env().Undefined();
}

// (t, source): t now holds source's data, keeping its identity (how Module.to moves parameters).
NC_FUNCTION(setData) {
  tensorArg(info, 0).set_data(tensorArg(info, 1));
  return info.Env().Undefined();
}

NC_FUNCTION(isLeaf) { return Napi::Boolean::New(info.Env(), tensorArg(info, 0).is_leaf()); }

NC_FUNCTION(setGradEnabled) {
  c10::GradMode::set_enabled(boolArg(info, 0));
  return info.Env().Undefined();
}

NC_FUNCTION(isGradEnabled) { return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled()); }

void registerAutograd(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, requiresGrad);
  NC_EXPORT(exports, setRequiresGrad);
  NC_EXPORT(exports, backward);
  NC_EXPORT(exports, grad);
  NC_EXPORT(exports, setGrad);
  NC_EXPORT(exports, isLeaf);
  NC_EXPORT(exports, setData);
  NC_EXPORT(exports, setGradEnabled);
  NC_EXPORT(exports, isGradEnabled);
}

}  // namespace nc
