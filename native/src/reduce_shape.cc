// Reductions, shape and indexing ops, and conversions between dtypes and devices.
#include <torch/version.h>

#include "handle.h"

namespace nc {

// `dims` may be absent (reduce over everything).
static c10::optional<std::vector<int64_t>> dimsArg(const Napi::CallbackInfo& info, size_t i) {
  if (isAbsent(info, i)) return c10::nullopt;
  if (info[i].IsNumber()) return std::vector<int64_t>{intArg(info, i)};
  return intListArg(info, i);
}

static bool keepdimArg(const Napi::CallbackInfo& info, size_t i) { return isAbsent(info, i) ? false : boolArg(info, i); }

// (t, dims?, keepdim?, dtypeCode?)
NC_FUNCTION(sum) {
  at::Tensor& t = tensorArg(info, 0);
  auto dims = dimsArg(info, 1);
  c10::optional<at::ScalarType> dtype = isAbsent(info, 3) ? c10::nullopt : c10::optional<at::ScalarType>(dtypeArg(info, 3));
  if (!dims) return wrap(info.Env(), at::sum(t, dtype));
  return wrap(info.Env(), at::sum(t, *dims, keepdimArg(info, 2), dtype));
}

NC_FUNCTION(mean) {
  at::Tensor& t = tensorArg(info, 0);
  auto dims = dimsArg(info, 1);
  if (!dims) return wrap(info.Env(), at::mean(t));
  return wrap(info.Env(), at::mean(t, *dims, keepdimArg(info, 2)));
}

// The correction argument changed type between libtorch 1.x and 2.x.
#if TORCH_VERSION_MAJOR >= 2
static c10::optional<at::Scalar> correctionOf(int64_t c) { return at::Scalar(c); }
#else
static c10::optional<int64_t> correctionOf(int64_t c) { return c; }
#endif

// (t, dims?, correction, keepdim?)
NC_FUNCTION(std) {
  at::Tensor& t = tensorArg(info, 0);
  auto dims = dimsArg(info, 1);
  at::OptionalIntArrayRef ref = dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt;
  return wrap(info.Env(), at::std(t, ref, correctionOf(intArg(info, 2)), keepdimArg(info, 3)));
}

NC_FUNCTION(var) {
  at::Tensor& t = tensorArg(info, 0);
  auto dims = dimsArg(info, 1);
  at::OptionalIntArrayRef ref = dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt;
  return wrap(info.Env(), at::var(t, ref, correctionOf(intArg(info, 2)), keepdimArg(info, 3)));
}

NC_FUNCTION(maxAll) { return wrap(info.Env(), at::max(tensorArg(info, 0))); }
NC_FUNCTION(minAll) { return wrap(info.Env(), at::min(tensorArg(info, 0))); }

// (t, dim, keepdim?) -> [values, indices]
NC_FUNCTION(maxDim) {
  auto result = at::max(tensorArg(info, 0), intArg(info, 1), keepdimArg(info, 2));
  return wrapAll(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

NC_FUNCTION(minDim) {
  auto result = at::min(tensorArg(info, 0), intArg(info, 1), keepdimArg(info, 2));
  return wrapAll(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

// (t, dim?, keepdim?)
NC_FUNCTION(argmax) {
  c10::optional<int64_t> dim = isAbsent(info, 1) ? c10::nullopt : c10::optional<int64_t>(intArg(info, 1));
  return wrap(info.Env(), at::argmax(tensorArg(info, 0), dim, keepdimArg(info, 2)));
}

NC_FUNCTION(argmin) {
  c10::optional<int64_t> dim = isAbsent(info, 1) ? c10::nullopt : c10::optional<int64_t>(intArg(info, 1));
  return wrap(info.Env(), at::argmin(tensorArg(info, 0), dim, keepdimArg(info, 2)));
}

// (t, p, dims?, keepdim?)
NC_FUNCTION(norm) {
  at::Tensor& t = tensorArg(info, 0);
  at::Scalar p = numberArg(info, 1);
  auto dims = dimsArg(info, 2);
  if (!dims) return wrap(info.Env(), at::norm(t, p));
  return wrap(info.Env(), at::norm(t, p, *dims, keepdimArg(info, 3)));
}

NC_FUNCTION(all) { return wrap(info.Env(), at::all(tensorArg(info, 0))); }
NC_FUNCTION(any) { return wrap(info.Env(), at::any(tensorArg(info, 0))); }

NC_FUNCTION(logsumexp) { return wrap(info.Env(), at::logsumexp(tensorArg(info, 0), intListArg(info, 1), keepdimArg(info, 2))); }
NC_FUNCTION(cumsum) { return wrap(info.Env(), at::cumsum(tensorArg(info, 0), intArg(info, 1))); }

// (labels, minlength): counts per value of a non-negative int64 tensor.
NC_FUNCTION(bincount) { return wrap(info.Env(), at::bincount(tensorArg(info, 0), {}, intArg(info, 1))); }

NC_FUNCTION(reshape) { return wrap(info.Env(), at::reshape(tensorArg(info, 0), intListArg(info, 1))); }
NC_FUNCTION(view) { return wrap(info.Env(), tensorArg(info, 0).view(intListArg(info, 1))); }
NC_FUNCTION(expand) { return wrap(info.Env(), tensorArg(info, 0).expand(intListArg(info, 1))); }
NC_FUNCTION(repeat) { return wrap(info.Env(), tensorArg(info, 0).repeat(intListArg(info, 1))); }
NC_FUNCTION(permute) { return wrap(info.Env(), tensorArg(info, 0).permute(intListArg(info, 1))); }
NC_FUNCTION(transpose) { return wrap(info.Env(), at::transpose(tensorArg(info, 0), intArg(info, 1), intArg(info, 2))); }
NC_FUNCTION(flatten) { return wrap(info.Env(), at::flatten(tensorArg(info, 0), intArg(info, 1), intArg(info, 2))); }
NC_FUNCTION(squeeze) {
  if (isAbsent(info, 1)) return wrap(info.Env(), at::squeeze(tensorArg(info, 0)));
  return wrap(info.Env(), at::squeeze(tensorArg(info, 0), intArg(info, 1)));
}
NC_FUNCTION(unsqueeze) { return wrap(info.Env(), at::unsqueeze(tensorArg(info, 0), intArg(info, 1))); }
NC_FUNCTION(narrow) { return wrap(info.Env(), at::narrow(tensorArg(info, 0), intArg(info, 1), intArg(info, 2), intArg(info, 3))); }
NC_FUNCTION(select) { return wrap(info.Env(), at::select(tensorArg(info, 0), intArg(info, 1), intArg(info, 2))); }
NC_FUNCTION(indexSelect) { return wrap(info.Env(), at::index_select(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2))); }
NC_FUNCTION(gather) { return wrap(info.Env(), at::gather(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2))); }
// (t, dim, index, source): out-of-place index_add, the per-class sum of a batch in one call.
NC_FUNCTION(indexAdd) {
  return wrap(info.Env(), at::index_add(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2), tensorArg(info, 3)));
}
// (t, dim, index, source): in place, so that per-class sums of a batch need no C x p temporary.
NC_FUNCTION(indexAdd_) {
  tensorArg(info, 0).index_add_(intArg(info, 1), tensorArg(info, 2), tensorArg(info, 3));
  return info.Env().Undefined();
}
// (out, t, dim, index): index_select into an existing buffer (no batch-sized allocation).
NC_FUNCTION(indexSelectOut) {
  at::Tensor out = tensorArg(info, 0);
  at::index_select_out(out, tensorArg(info, 1), intArg(info, 2), tensorArg(info, 3));
  return info.Env().Undefined();
}
NC_FUNCTION(maskedSelect) { return wrap(info.Env(), at::masked_select(tensorArg(info, 0), tensorArg(info, 1))); }
NC_FUNCTION(cat) { return wrap(info.Env(), at::cat(tensorListArg(info, 0), intArg(info, 1))); }
NC_FUNCTION(stack) { return wrap(info.Env(), at::stack(tensorListArg(info, 0), intArg(info, 1))); }
NC_FUNCTION(oneHot) { return wrap(info.Env(), at::one_hot(tensorArg(info, 0), intArg(info, 1))); }
// (t, dim, descending) -> [values, indices]
NC_FUNCTION(sort) {
  auto result = at::sort(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2));
  return wrapAll(info.Env(), {std::get<0>(result), std::get<1>(result)});
}
// (t, k, dim, largest) -> [values, indices]
NC_FUNCTION(topk) {
  auto result = at::topk(tensorArg(info, 0), intArg(info, 1), intArg(info, 2), boolArg(info, 3));
  return wrapAll(info.Env(), {std::get<0>(result), std::get<1>(result)});
}
NC_FUNCTION(diag) { return wrap(info.Env(), at::diag(tensorArg(info, 0), isAbsent(info, 1) ? 0 : intArg(info, 1))); }
NC_FUNCTION(trace) { return wrap(info.Env(), at::trace(tensorArg(info, 0))); }
NC_FUNCTION(triu) { return wrap(info.Env(), at::triu(tensorArg(info, 0), isAbsent(info, 1) ? 0 : intArg(info, 1))); }
NC_FUNCTION(tril) { return wrap(info.Env(), at::tril(tensorArg(info, 0), isAbsent(info, 1) ? 0 : intArg(info, 1))); }

NC_FUNCTION(contiguous) { return wrap(info.Env(), tensorArg(info, 0).contiguous()); }
NC_FUNCTION(clone) { return wrap(info.Env(), tensorArg(info, 0).clone()); }
NC_FUNCTION(detach) { return wrap(info.Env(), tensorArg(info, 0).detach()); }
NC_FUNCTION(toDtype) { return wrap(info.Env(), tensorArg(info, 0).to(dtypeArg(info, 1))); }
NC_FUNCTION(toDevice) { return wrap(info.Env(), tensorArg(info, 0).to(deviceArg(info, 1))); }
NC_FUNCTION(isContiguous) { return Napi::Boolean::New(info.Env(), tensorArg(info, 0).is_contiguous()); }

void registerReduceShape(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, sum);
  NC_EXPORT(exports, mean);
  NC_EXPORT(exports, std);
  NC_EXPORT(exports, var);
  NC_EXPORT(exports, maxAll);
  NC_EXPORT(exports, minAll);
  NC_EXPORT(exports, maxDim);
  NC_EXPORT(exports, minDim);
  NC_EXPORT(exports, argmax);
  NC_EXPORT(exports, argmin);
  NC_EXPORT(exports, norm);
  NC_EXPORT(exports, all);
  NC_EXPORT(exports, any);
  NC_EXPORT(exports, logsumexp);
  NC_EXPORT(exports, cumsum);
  NC_EXPORT(exports, bincount);
  NC_EXPORT(exports, reshape);
  NC_EXPORT(exports, view);
  NC_EXPORT(exports, expand);
  NC_EXPORT(exports, repeat);
  NC_EXPORT(exports, permute);
  NC_EXPORT(exports, transpose);
  NC_EXPORT(exports, flatten);
  NC_EXPORT(exports, squeeze);
  NC_EXPORT(exports, unsqueeze);
  NC_EXPORT(exports, narrow);
  NC_EXPORT(exports, select);
  NC_EXPORT(exports, indexSelect);
  NC_EXPORT(exports, gather);
  NC_EXPORT(exports, indexAdd);
  NC_EXPORT(exports, indexAdd_);
  NC_EXPORT(exports, indexSelectOut);
  NC_EXPORT(exports, maskedSelect);
  NC_EXPORT(exports, cat);
  NC_EXPORT(exports, stack);
  NC_EXPORT(exports, oneHot);
  NC_EXPORT(exports, sort);
  NC_EXPORT(exports, topk);
  NC_EXPORT(exports, diag);
  NC_EXPORT(exports, trace);
  NC_EXPORT(exports, triu);
  NC_EXPORT(exports, tril);
  NC_EXPORT(exports, contiguous);
  NC_EXPORT(exports, clone);
  NC_EXPORT(exports, detach);
  NC_EXPORT(exports, toDtype);
  NC_EXPORT(exports, toDevice);
  NC_EXPORT(exports, isContiguous);
}

}  // namespace nc
