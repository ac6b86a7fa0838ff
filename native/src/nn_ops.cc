// The functional neural-network ops that src/nn builds its modules from.
#include "handle.h"

namespace nc {

static int64_t reductionArg(const Napi::CallbackInfo& info, size_t i) {
  std::string name = isAbsent(info, i) ? "mean" : stringArg(info, i);
  if (name == "none") return at::Reduction::None;
  if (name == "mean") return at::Reduction::Mean;
  if (name == "sum") return at::Reduction::Sum;
  throwJs(info.Env(), argumentName(i) + ": unknown reduction '" + name + "' (expected none, mean or sum)");
}

// (x, weight, bias?)
NC_FUNCTION(linear) { return wrap(info.Env(), at::linear(tensorArg(info, 0), tensorArg(info, 1), optionalTensorArg(info, 2))); }

// (x, weight, bias?, stride[2], padding[2], dilation[2], groups)
NC_FUNCTION(conv2d) {
  return wrap(info.Env(), at::conv2d(tensorArg(info, 0), tensorArg(info, 1), optionalTensorArg(info, 2), intListArg(info, 3),
                                     intListArg(info, 4), intListArg(info, 5), intArg(info, 6)));
}

// (x, weight?, bias?, runningMean?, runningVar?, training, momentum, eps): running statistics are
// updated in place when training, exactly as torch.nn.functional.batch_norm does.
NC_FUNCTION(batchNorm) {
  return wrap(info.Env(), at::batch_norm(tensorArg(info, 0), optionalTensorArg(info, 1), optionalTensorArg(info, 2),
                                         optionalTensorArg(info, 3), optionalTensorArg(info, 4), boolArg(info, 5),
                                         numberArg(info, 6), numberArg(info, 7), true));
}

NC_FUNCTION(relu) { return wrap(info.Env(), at::relu(tensorArg(info, 0))); }

// (x, kernel[2], stride[2], padding[2], dilation[2], ceilMode)
NC_FUNCTION(maxPool2d) {
  return wrap(info.Env(), at::max_pool2d(tensorArg(info, 0), intListArg(info, 1), intListArg(info, 2), intListArg(info, 3),
                                         intListArg(info, 4), boolArg(info, 5)));
}

// (x, kernel[2], stride[2], padding[2], ceilMode, countIncludePad)
NC_FUNCTION(avgPool2d) {
  return wrap(info.Env(), at::avg_pool2d(tensorArg(info, 0), intListArg(info, 1), intListArg(info, 2), intListArg(info, 3),
                                         boolArg(info, 4), boolArg(info, 5)));
}

NC_FUNCTION(adaptiveAvgPool2d) { return wrap(info.Env(), at::adaptive_avg_pool2d(tensorArg(info, 0), intListArg(info, 1))); }

// (x, p, training)
NC_FUNCTION(dropout) { return wrap(info.Env(), at::dropout(tensorArg(info, 0), numberArg(info, 1), boolArg(info, 2))); }

NC_FUNCTION(softmax) { return wrap(info.Env(), at::softmax(tensorArg(info, 0), intArg(info, 1))); }
NC_FUNCTION(logSoftmax) { return wrap(info.Env(), at::log_softmax(tensorArg(info, 0), intArg(info, 1))); }

// (logits, target (int64 classes or float probabilities), reduction, labelSmoothing)
NC_FUNCTION(crossEntropy) {
  double smoothing = isAbsent(info, 3) ? 0.0 : numberArg(info, 3);
  return wrap(info.Env(), at::cross_entropy_loss(tensorArg(info, 0), tensorArg(info, 1), {}, reductionArg(info, 2), -100, smoothing));
}

// (logProbabilities, target, reduction)
NC_FUNCTION(nllLoss) { return wrap(info.Env(), at::nll_loss(tensorArg(info, 0), tensorArg(info, 1), {}, reductionArg(info, 2))); }

// (input, target, reduction)
NC_FUNCTION(mseLoss) { return wrap(info.Env(), at::mse_loss(tensorArg(info, 0), tensorArg(info, 1), reductionArg(info, 2))); }

void registerNnOps(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, linear);
  NC_EXPORT(exports, conv2d);
  NC_EXPORT(exports, batchNorm);
  NC_EXPORT(exports, relu);
  NC_EXPORT(exports, maxPool2d);
  NC_EXPORT(exports, avgPool2d);
  NC_EXPORT(exports, adaptiveAvgPool2d);
  NC_EXPORT(exports, dropout);
  NC_EXPORT(exports, softmax);
  NC_EXPORT(exports, logSoftmax);
  NC_EXPORT(exports, crossEntropy);
  NC_EXPORT(exports, nllLoss);
  NC_EXPORT(exports, mseLoss);
}

}  // namespace nc
