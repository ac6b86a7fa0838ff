// torch.distributed (c10d) for JS: a process group over a store (TCPStore or FileStore) with
// Gloo, and NCCL when the libtorch found was built with it. Every collective runs synchronously on
// the JS thread: it is issued, then wait()ed with the group's time-out, so an error or a dead peer
// becomes a JS exception through NC_FUNCTION instead of a rank that hangs forever.
// This is its own static library in binding.gyp (compiled with -DUSE_C10D_GLOO [-DUSE_C10D_NCCL])
// so that the c10d headers and defines touch no other translation unit.
#include "handle.h"

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/version.h>

#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace nc {

// libtorch 1.13: the Gloo and NCCL groups derive from ProcessGroup; from 2.0 on from Backend,
// which carries the same collectives.
#if TORCH_VERSION_MAJOR >= 2
using Group = c10d::Backend;
#else
using Group = c10d::ProcessGroup;
#endif

struct GroupBox {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<Group> group;
  std::chrono::milliseconds timeout{0};
  int rank = 0;
  int size = 1;
  std::string backend;
};

static void finalizeGroup(Napi::Env, GroupBox* groupBox) { delete groupBox; }

// The group box behind argument i; a tensor or any other value there is a TypeError (handle.cc).
static GroupBox* groupBoxArg(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<GroupBox*>(handleData(info.Env(), info[i], HandleKind::ProcessGroup, argumentName(i)));
}

static GroupBox& groupArg(const Napi::CallbackInfo& info, size_t i) {
  GroupBox* groupBox = groupBoxArg(info, i);
  if (!groupBox->group) throwJs(info.Env(), argumentName(i) + ": process group used after destroy()");
  return *groupBox;
}

static std::string describe(const GroupBox& g, const std::string& what) {
  return "c10d " + what + " failed on rank " + std::to_string(g.rank) + " of a world of " + std::to_string(g.size) +
         " (" + g.backend + "): ";
}

// wait() rethrows the collective's own error (a peer that closed its connection, a Gloo
// time-out) or throws "Operation timed out!" itself; either way the message names the collective.
static void waitFor(const GroupBox& g, const c10::intrusive_ptr<c10d::Work>& work, const std::string& what) {
  try {
    work->wait(g.timeout);
  } catch (const c10::Error& e) {
    throw std::runtime_error(describe(g, what) + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw std::runtime_error(describe(g, what) + e.what());
  }
}

static std::string stringField(const Napi::Object& o, const char* key, const std::string& fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsString()) throwJs(o.Env(), std::string("process group option '") + key + "' must be a string");
  return v.As<Napi::String>().Utf8Value();
}

// The integer options and their ranges (all of them are narrowed below: rank and worldSize to
// int, port to uint16), checked here so that nothing is truncated on the way.
static int64_t intField(const Napi::Object& o, const char* key) {
  struct Range {
    const char* key;
    int64_t max;
  };
  static const Range kRanges[] = {{"rank", INT32_MAX}, {"worldSize", INT32_MAX}, {"port", 65535}, {"timeoutMs", INT64_C(9007199254740991)}};
  int64_t value = integerValue(o.Env(), o.Get(key), std::string("process group option '") + key + "'");
  for (const Range& range : kRanges) {
    if (std::string(range.key) == key && (value < 0 || value > range.max)) {
      throwRangeError(o.Env(), std::string("process group option '") + key + "' must be within 0.." + std::to_string(range.max) +
                                   ", got " + std::to_string(value));
    }
  }
  return value;
}

static Napi::Array backendNames(Napi::Env env) {
  std::vector<std::string> names;
#ifdef USE_C10D_GLOO
  names.push_back("gloo");
#endif
#ifdef USE_C10D_NCCL
  names.push_back("nccl");
#endif
  Napi::Array array = Napi::Array::New(env, names.size());
  for (size_t k = 0; k < names.size(); k++) array.Set(k, names[k]);
  return array;
}

NC_FUNCTION(distBackends) { return backendNames(info.Env()); }

// options: { backend, store: 'tcp'|'file', host, port, path, rank, worldSize, timeoutMs,
//            glooInterface?, glooHostname? }
NC_FUNCTION(distInitProcessGroup) {
  if (!info[0].IsObject()) throwTypeError(info.Env(), argumentName(0) + " must be the process group options, got " + describeValue(info.Env(), info[0]));
  Napi::Object o = info[0].As<Napi::Object>();
  auto box = std::make_unique<GroupBox>();
  box->backend = stringField(o, "backend", "gloo");
  box->rank = static_cast<int>(intField(o, "rank"));
  box->size = static_cast<int>(intField(o, "worldSize"));
  box->timeout = std::chrono::milliseconds(intField(o, "timeoutMs"));
  if (box->size < 1 || box->rank < 0 || box->rank >= box->size) {
    throwJs(info.Env(), "rank " + std::to_string(box->rank) + " is not in a world of " + std::to_string(box->size));
  }
  std::string storeKind = stringField(o, "store", "tcp");
  if (storeKind == "tcp") {
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<std::uint16_t>(intField(o, "port"));
    storeOptions.isServer = box->rank == 0;
    storeOptions.numWorkers = static_cast<std::size_t>(box->size);
    storeOptions.waitWorkers = true;
    storeOptions.timeout = box->timeout;
    box->store = c10::make_intrusive<c10d::TCPStore>(stringField(o, "host", "127.0.0.1"), storeOptions);
  } else if (storeKind == "file") {
    box->store = c10::make_intrusive<c10d::FileStore>(stringField(o, "path", ""), box->size);
  } else {
    throwJs(info.Env(), "unknown store '" + storeKind + "' (expected tcp or file)");
  }
  box->store->setTimeout(box->timeout);

  if (box->backend == "gloo") {
#ifdef USE_C10D_GLOO
    auto options = c10d::ProcessGroupGloo::Options::create(box->timeout);
    std::string interface = stringField(o, "glooInterface", "");
    std::string hostname = stringField(o, "glooHostname", "");
    if (!interface.empty()) {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else if (!hostname.empty()) {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(hostname));
    } else {
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    box->group = c10::make_intrusive<c10d::ProcessGroupGloo>(box->store, box->rank, box->size, options);
#else
    throwJs(info.Env(), "this ncollapse addon was built without Gloo (no gloo headers were found: apt-get install libgloo-dev, then npm run build:native)");
#endif
  } else if (box->backend == "nccl") {
#ifdef USE_C10D_NCCL
    // Without blocking wait, NCCL's wait() does not throw on a time-out (1.x and 2.x spellings).
    setenv("NCCL_BLOCKING_WAIT", "1", 0);
    setenv("TORCH_NCCL_BLOCKING_WAIT", "1", 0);
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = box->timeout;
    box->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(box->store, box->rank, box->size, options);
#else
    throwJs(info.Env(), "this ncollapse addon was built without NCCL (it needs a CUDA libtorch with NCCL; built backends: see distBackends())");
#endif
  } else {
    throwJs(info.Env(), "unknown backend '" + box->backend + "' (expected gloo or nccl)");
  }
  // The box stays with the unique_ptr until the External's finalizer owns it.
  Napi::External<GroupBox> handle = Napi::External<GroupBox>::New(info.Env(), box.get(), finalizeGroup);
  box.release();
  tagHandle(info.Env(), handle, HandleKind::ProcessGroup);
  return handle;
}

// Idempotent: a destroyed group stays a (dead) process group handle.
NC_FUNCTION(distDestroyProcessGroup) {
  GroupBox* groupBox = groupBoxArg(info, 0);
  groupBox->group.reset();
  groupBox->store.reset();
  return info.Env().Undefined();
}

// In place: every tensor takes rank `root`'s values. All are issued, then waited for in order.
NC_FUNCTION(distBroadcast) {
  GroupBox& g = groupArg(info, 0);
  std::vector<at::Tensor> tensors = tensorListArg(info, 1);
  c10d::BroadcastOptions options;
  options.rootRank = intArg(info, 2);
  options.timeout = g.timeout;
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& t : tensors) {
    std::vector<at::Tensor> one{t};
    works.push_back(g.group->broadcast(one, options));
  }
  for (auto& work : works) waitFor(g, work, "broadcast");
  return info.Env().Undefined();
}

static c10d::ReduceOp reduceOpArg(const Napi::CallbackInfo& info, size_t i) {
  std::string name = isAbsent(info, i) ? "sum" : stringArg(info, i);
  if (name == "sum") return c10d::ReduceOp(c10d::ReduceOp::SUM);
  if (name == "max") return c10d::ReduceOp(c10d::ReduceOp::MAX);
  if (name == "min") return c10d::ReduceOp(c10d::ReduceOp::MIN);
  if (name == "product") return c10d::ReduceOp(c10d::ReduceOp::PRODUCT);
  throwJs(info.Env(), argumentName(i) + ": unknown reduce op '" + name + "' (expected sum, max, min or product)");
}

// In place, on one tensor (contiguous, as c10d requires).
NC_FUNCTION(distAllReduce) {
  GroupBox& g = groupArg(info, 0);
  at::Tensor& t = tensorArg(info, 1);
  c10d::AllreduceOptions options;
  options.reduceOp = reduceOpArg(info, 2);
  options.timeout = g.timeout;
  std::vector<at::Tensor> one{t};
  waitFor(g, g.group->allreduce(one, options), "all-reduce");
  return info.Env().Undefined();
}

// Gradients: consecutive tensors of one dtype and device are flattened into buckets of about
// `bucketBytes`, every bucket is summed across ranks, and only after its wait() divided by
// `divisor` (the world size) and copied back into the tensors.
NC_FUNCTION(distAllReduceBuckets) {
  GroupBox& g = groupArg(info, 0);
  std::vector<at::Tensor> tensors = tensorListArg(info, 1);
  int64_t bucketBytes = std::max<int64_t>(1, intArg(info, 2));
  double divisor = numberArg(info, 3);
  std::vector<std::vector<at::Tensor>> buckets;
  int64_t filled = 0;
  for (auto& t : tensors) {
    int64_t bytes = t.numel() * static_cast<int64_t>(t.element_size());
    bool fits = !buckets.empty() && buckets.back().front().scalar_type() == t.scalar_type() &&
                buckets.back().front().device() == t.device() && filled + bytes <= bucketBytes;
    if (!fits) {
      buckets.emplace_back();
      filled = 0;
    }
    buckets.back().push_back(t);
    filled += bytes;
  }
  c10d::AllreduceOptions options;
  options.timeout = g.timeout;
  std::vector<at::Tensor> flats;
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& bucket : buckets) {
    std::vector<at::Tensor> pieces;
    for (auto& t : bucket) pieces.push_back(t.reshape({-1}));
    std::vector<at::Tensor> one{at::cat(pieces)};
    works.push_back(g.group->allreduce(one, options));
    flats.push_back(one[0]);
  }
  for (size_t b = 0; b < buckets.size(); b++) {
    waitFor(g, works[b], "gradient all-reduce");
    if (divisor != 1.0) flats[b].div_(divisor);
    int64_t offset = 0;
    for (auto& t : buckets[b]) {
      t.copy_(flats[b].narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
  return Napi::Number::New(info.Env(), static_cast<double>(buckets.size()));
}

NC_FUNCTION(distBarrier) {
  GroupBox& g = groupArg(info, 0);
  c10d::BarrierOptions options;
  options.timeout = g.timeout;
  waitFor(g, g.group->barrier(options), "barrier");
  return info.Env().Undefined();
}

void registerDistributed(Napi::Env env, Napi::Object exports) {
  NC_EXPORT(exports, distBackends);
  NC_EXPORT(exports, distInitProcessGroup);
  NC_EXPORT(exports, distDestroyProcessGroup);
  NC_EXPORT(exports, distBroadcast);
  NC_EXPORT(exports, distAllReduce);
  NC_EXPORT(exports, distAllReduceBuckets);
  NC_EXPORT(exports, distBarrier);
}

}  // namespace nc
