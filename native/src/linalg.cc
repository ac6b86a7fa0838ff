// Matrix products and the float64 linear algebra that the collapse measures need.
#include "handle.h"

namespace nc {

NC_FUNCTION(matmul) { return wrap(info.Env(), at::matmul(tensorArg(info, 0), tensorArg(info, 1))); }
NC_FUNCTION(mm) { return wrap(info.Env(), at::mm(tensorArg(info, 0), tensorArg(info, 1))); }
NC_FUNCTION(bmm) { return wrap(info.Env(), at::bmm(tensorArg(info, 0), tensorArg(info, 1))); }

// (input, a, b, beta, alpha): beta * input + alpha * (a @ b)
NC_FUNCTION(addmm) {
  return wrap(info.Env(), at::addmm(tensorArg(info, 0), tensorArg(info, 1), tensorArg(info, 2), scalarArg(info, 3), scalarArg(info, 4)));
}

// In place: t = beta * t + alpha * (a @ b); accumulates second moments without a temporary.
NC_FUNCTION(addmm_) {
  tensorArg(info, 0).addmm_(tensorArg(info, 1), tensorArg(info, 2), scalarArg(info, 3), scalarArg(info, 4));
  return info.Env().Undefined();
}

// Symmetric eigendecomposition: [eigenvalues ascending, eigenvectors as columns].
NC_FUNCTION(eigh) {
  auto result = at::linalg_eigh(tensorArg(info, 0), isAbsent(info, 1) ? "L" : stringArg(info, 1));
  return wrapAll(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

// (A, fullMatrices) -> [U, S, Vh]
NC_FUNCTION(svd) {
  auto result = at::linalg_svd(tensorArg(info, 0), isAbsent(info, 1) ? true : boolArg(info, 1));
  return wrapAll(info.Env(), {std::get<0>(result), std::get<1>(result), std::get<2>(result)});
}

// (A, rtol?, hermitian?)
NC_FUNCTION(pinv) {
  c10::optional<double> rtol = isAbsent(info, 1) ? c10::nullopt : c10::optional<double>(numberArg(info, 1));
  bool hermitian = isAbsent(info, 2) ? false : boolArg(info, 2);
  return wrap(info.Env(), at::linalg_pinv(tensorArg(info, 0), c10::nullopt, rtol, hermitian));
}

NC_FUNCTION(solve) { return wrap(info.Env(), at::linalg_solve(tensorArg(info, 0), tensorArg(info, 1))); }
NC_FUNCTION(inv) { return wrap(info.Env(), at::linalg_inv(tensorArg(info, 0))); }

void registerLinalg(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, matmul);
  NC_EXPORT(exports, mm);
  NC_EXPORT(exports, bmm);
  NC_EXPORT(exports, addmm);
  NC_EXPORT(exports, addmm_);
  NC_EXPORT(exports, eigh);
  NC_EXPORT(exports, svd);
  NC_EXPORT(exports, pinv);
  NC_EXPORT(exports, solve);
  NC_EXPORT(exports, inv);
}

}  // namespace nc
