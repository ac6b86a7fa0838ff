// Elementwise arithmetic, comparisons and the in-place updates that optimisers use.
#include "handle.h"

namespace nc {

// The second operand is a tensor or a JS number (broadcast as a Scalar), as in Python.
#define NC_BINARY(name, tensorExpr, scalarExpr)                 \
  NC_FUNCTION(name) {                                           \
    at::Tensor& a = tensorArg(info, 0);                         \
    if (info.Length() > 1 && (info[1].IsNumber() || info[1].IsBoolean())) { \
      at::Scalar s = scalarArg(info, 1);                        \
      return wrap(info.Env(), scalarExpr);                      \
    }                                                           \
    at::Tensor& b = tensorArg(info, 1);                         \
    return wrap(info.Env(), tensorExpr);                        \
  }

#define NC_UNARY(name, expr)                 \
  NC_FUNCTION(name) {                        \
    at::Tensor& a = tensorArg(info, 0);      \
    return wrap(info.Env(), expr);           \
  }

static at::Scalar alphaArg(const Napi::CallbackInfo& info, size_t i) {
  return isAbsent(info, i) ? at::Scalar(1) : scalarArg(info, i);
}

NC_BINARY(add, at::add(a, b, alphaArg(info, 2)), at::add(a, s, alphaArg(info, 2)))
NC_BINARY(sub, at::sub(a, b, alphaArg(info, 2)), at::sub(a, s, alphaArg(info, 2)))
NC_BINARY(mul, at::mul(a, b), at::mul(a, s))
NC_BINARY(div, at::div(a, b), at::div(a, s))
NC_BINARY(pow, at::pow(a, b), at::pow(a, s))
NC_BINARY(remainder, at::remainder(a, b), at::remainder(a, s))
NC_BINARY(maximum, at::maximum(a, b), at::clamp_min(a, s))
NC_BINARY(minimum, at::minimum(a, b), at::clamp_max(a, s))
NC_BINARY(eq, at::eq(a, b), at::eq(a, s))
NC_BINARY(ne, at::ne(a, b), at::ne(a, s))
NC_BINARY(lt, at::lt(a, b), at::lt(a, s))
NC_BINARY(le, at::le(a, b), at::le(a, s))
NC_BINARY(gt, at::gt(a, b), at::gt(a, s))
NC_BINARY(ge, at::ge(a, b), at::ge(a, s))

NC_FUNCTION(logicalAnd) { return wrap(info.Env(), at::logical_and(tensorArg(info, 0), tensorArg(info, 1))); }
NC_FUNCTION(logicalOr) { return wrap(info.Env(), at::logical_or(tensorArg(info, 0), tensorArg(info, 1))); }

NC_UNARY(neg, at::neg(a))
NC_UNARY(abs, at::abs(a))
NC_UNARY(exp, at::exp(a))
NC_UNARY(log, at::log(a))
NC_UNARY(log1p, at::log1p(a))
NC_UNARY(sqrt, at::sqrt(a))
NC_UNARY(rsqrt, at::rsqrt(a))
NC_UNARY(sigmoid, at::sigmoid(a))
NC_UNARY(tanh, at::tanh(a))
NC_UNARY(square, at::square(a))
NC_UNARY(sign, at::sign(a))
NC_UNARY(floor, at::floor(a))
NC_UNARY(ceil, at::ceil(a))
NC_UNARY(round, at::round(a))
NC_UNARY(reciprocal, at::reciprocal(a))
NC_UNARY(isnan, at::isnan(a))
NC_UNARY(isfinite, at::isfinite(a))
NC_UNARY(logicalNot, at::logical_not(a))

// (t, min | undefined, max | undefined)
NC_FUNCTION(clamp) {
  at::Tensor& a = tensorArg(info, 0);
  c10::optional<at::Scalar> lo = isAbsent(info, 1) ? c10::nullopt : c10::optional<at::Scalar>(scalarArg(info, 1));
  c10::optional<at::Scalar> hi = isAbsent(info, 2) ? c10::nullopt : c10::optional<at::Scalar>(scalarArg(info, 2));
  return wrap(info.Env(), at::clamp(a, lo, hi));
}

// (condition, a, b): a and b may each be a tensor or a number.
NC_FUNCTION(where) {
  at::Tensor& condition = tensorArg(info, 0);
  bool aScalar = info[1].IsNumber(), bScalar = info[2].IsNumber();
  if (aScalar && bScalar) return wrap(info.Env(), at::where(condition, scalarArg(info, 1), scalarArg(info, 2)));
  if (aScalar) return wrap(info.Env(), at::where(condition, scalarArg(info, 1), tensorArg(info, 2)));
  if (bScalar) return wrap(info.Env(), at::where(condition, tensorArg(info, 1), scalarArg(info, 2)));
  return wrap(info.Env(), at::where(condition, tensorArg(info, 1), tensorArg(info, 2)));
}

// In-place ops return nothing: the JS handle already points to the updated tensor.
#define NC_INPLACE_BINARY(name, tensorExpr, scalarExpr)        \
  NC_FUNCTION(name) {                                          \
    at::Tensor& a = tensorArg(info, 0);                        \
    if (info[1].IsNumber()) {                                  \
      at::Scalar s = scalarArg(info, 1);                       \
      scalarExpr;                                              \
    } else {                                                   \
      at::Tensor& b = tensorArg(info, 1);                      \
      tensorExpr;                                              \
    }                                                          \
    return info.Env().Undefined();                             \
  }

NC_INPLACE_BINARY(add_, a.add_(b, alphaArg(info, 2)), a.add_(s, alphaArg(info, 2)))
NC_INPLACE_BINARY(sub_, a.sub_(b, alphaArg(info, 2)), a.sub_(s, alphaArg(info, 2)))
NC_INPLACE_BINARY(mul_, a.mul_(b), a.mul_(s))
NC_INPLACE_BINARY(div_, a.div_(b), a.div_(s))
NC_INPLACE_BINARY(fill_, a.fill_(b), a.fill_(s))

NC_FUNCTION(copy_) {
  tensorArg(info, 0).copy_(tensorArg(info, 1));
  return info.Env().Undefined();
}

NC_FUNCTION(zero_) {
  tensorArg(info, 0).zero_();
  return info.Env().Undefined();
}

// (t, a, b, value): t += value * a * b
NC_FUNCTION(addcmul_) {
  tensorArg(info, 0).addcmul_(tensorArg(info, 1), tensorArg(info, 2), scalarArg(info, 3));
  return info.Env().Undefined();
}

// (t, a, b, value): t += value * a / b
NC_FUNCTION(addcdiv_) {
  tensorArg(info, 0).addcdiv_(tensorArg(info, 1), tensorArg(info, 2), scalarArg(info, 3));
  return info.Env().Undefined();
}

// (t, low, high): the same random stream as torch.Tensor.uniform_, so initialisations match PyTorch.
NC_FUNCTION(uniform_) {
  tensorArg(info, 0).uniform_(numberArg(info, 1), numberArg(info, 2));
  return info.Env().Undefined();
}

NC_FUNCTION(normal_) {
  tensorArg(info, 0).normal_(numberArg(info, 1), numberArg(info, 2));
  return info.Env().Undefined();
}

NC_FUNCTION(bernoulli_) {
  tensorArg(info, 0).bernoulli_(numberArg(info, 1));
  return info.Env().Undefined();
}

void registerPointwise(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, add);
  NC_EXPORT(exports, sub);
  NC_EXPORT(exports, mul);
  NC_EXPORT(exports, div);
  NC_EXPORT(exports, pow);
  NC_EXPORT(exports, remainder);
  NC_EXPORT(exports, maximum);
  NC_EXPORT(exports, minimum);
  NC_EXPORT(exports, eq);
  NC_EXPORT(exports, ne);
  NC_EXPORT(exports, lt);
  NC_EXPORT(exports, le);
  NC_EXPORT(exports, gt);
  NC_EXPORT(exports, ge);
  NC_EXPORT(exports, logicalAnd);
  NC_EXPORT(exports, logicalOr);
  NC_EXPORT(exports, neg);
  NC_EXPORT(exports, abs);
  NC_EXPORT(exports, exp);
  NC_EXPORT(exports, log);
  NC_EXPORT(exports, log1p);
  NC_EXPORT(exports, sqrt);
  NC_EXPORT(exports, rsqrt);
  NC_EXPORT(exports, sigmoid);
  NC_EXPORT(exports, tanh);
  NC_EXPORT(exports, square);
  NC_EXPORT(exports, sign);
  NC_EXPORT(exports, floor);
  NC_EXPORT(exports, ceil);
  NC_EXPORT(exports, round);
  NC_EXPORT(exports, reciprocal);
  NC_EXPORT(exports, isnan);
  NC_EXPORT(exports, isfinite);
  NC_EXPORT(exports, logicalNot);
  NC_EXPORT(exports, clamp);
  NC_EXPORT(exports, where);
  NC_EXPORT(exports, add_);
  NC_EXPORT(exports, sub_);
  NC_EXPORT(exports, mul_);
  NC_EXPORT(exports, div_);
  NC_EXPORT(exports, fill_);
  NC_EXPORT(exports, copy_);
  NC_EXPORT(exports, zero_);
  NC_EXPORT(exports, addcmul_);
  NC_EXPORT(exports, addcdiv_);
  NC_EXPORT(exports, uniform_);
  NC_EXPORT(exports, normal_);
  NC_EXPORT(exports, bernoulli_);
}

}  // namespace nc
