// What infer()'s JS <-> native contract costs per call, apart from any CUDA work: the shapes of data the addon reads
// and returns today (an object of named { data, shape } inputs; an object of named { data?, byteLength, dataType,
// shape } outputs), pieces of it, and a positional form (typed arrays in a fixed order in, byte lengths out).
// Built and run by bench/napi-contract/run.mjs (g++ and node-addon-api; no GPU, no TensorRT). Each function settles a
// promise as infer() does; the work mirrors binding/execution_context.cc's ReadInputs and OutputsToJs.
#define NAPI_VERSION 8
#define NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS
#include <napi.h>

#include <string>
#include <vector>

namespace {

const std::vector<int64_t> kOutputShape{1, 64, 32, 32};

Napi::Value Settle(Napi::Env env, Napi::Value value) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Resolve(value);
  return deferred.Promise();
}

/** ReadInputs' work on { name: { data, shape } }; `withShape` false skips the shape. Returns the bytes seen. */
size_t ReadNamed(const Napi::Object& map, bool withShape) {
  Napi::Array names = map.GetPropertyNames();
  size_t total = 0;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    Napi::Object entry = map.Get(name).As<Napi::Object>();
    Napi::Value data = entry.Get("data");
    if (withShape) {
      Napi::Array dims = entry.Get("shape").As<Napi::Array>();
      std::vector<int64_t> shape;
      for (uint32_t d = 0; d < dims.Length(); ++d) shape.push_back(dims.Get(d).As<Napi::Number>().Int64Value());
      total += shape.size();
      if (entry.Get("synthetic").IsString()) return 0;
    }
    Napi::TypedArray array = data.As<Napi::TypedArray>();
    total += array.ByteLength() + (array.ArrayBuffer().Data() != nullptr ? array.ByteOffset() : 0);
  }
  return total;
}

/** OutputsToJs' object for one output (pinned view already handed out, so no data); `withShape` false skips it. */
Napi::Object NamedOutputs(Napi::Env env, bool withShape) {
  Napi::Object result = Napi::Object::New(env);
  Napi::Object entry = Napi::Object::New(env);
  entry.Set("byteLength", 262144.0);
  entry.Set("dataType", std::string("float32"));
  if (withShape) {
    Napi::Array shape = Napi::Array::New(env, kOutputShape.size());
    for (size_t i = 0; i < kOutputShape.size(); ++i) shape.Set(static_cast<uint32_t>(i), static_cast<double>(kOutputShape[i]));
    entry.Set("shape", shape);
  }
  result.Set(std::string("output"), entry);
  return result;
}

Napi::Value Empty(const Napi::CallbackInfo& info) { return Settle(info.Env(), info.Env().Undefined()); }
Napi::Value Named(const Napi::CallbackInfo& info) {
  ReadNamed(info[0].As<Napi::Object>(), true);
  return Settle(info.Env(), NamedOutputs(info.Env(), true));
}
Napi::Value ReadOnly(const Napi::CallbackInfo& info) {
  return Settle(info.Env(), Napi::Number::New(info.Env(), static_cast<double>(ReadNamed(info[0].As<Napi::Object>(), true))));
}
Napi::Value ReadWithoutShape(const Napi::CallbackInfo& info) {
  return Settle(info.Env(), Napi::Number::New(info.Env(), static_cast<double>(ReadNamed(info[0].As<Napi::Object>(), false))));
}
Napi::Value OutputsOnly(const Napi::CallbackInfo& info) { return Settle(info.Env(), NamedOutputs(info.Env(), true)); }
Napi::Value OutputsWithoutShape(const Napi::CallbackInfo& info) { return Settle(info.Env(), NamedOutputs(info.Env(), false)); }

/** Positional: an array of typed arrays in a fixed order in (shapes as last bound), one byte length per output out. */
Napi::Value Positional(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  napi_value inputs = info[0];
  uint32_t count = 0;
  napi_get_array_length(env, inputs, &count);
  size_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    napi_value data;
    napi_get_element(env, inputs, i, &data);
    napi_typedarray_type type;
    size_t length = 0;
    void* bytes = nullptr;
    if (napi_get_typedarray_info(env, data, &type, &length, &bytes, nullptr, nullptr) != napi_ok) return info.Env().Null();
    total += length + (bytes != nullptr);
  }
  return Settle(info.Env(), Napi::Number::New(info.Env(), static_cast<double>(total)));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("empty", Napi::Function::New(env, Empty));
  exports.Set("named", Napi::Function::New(env, Named));
  exports.Set("readOnly", Napi::Function::New(env, ReadOnly));
  exports.Set("readWithoutShape", Napi::Function::New(env, ReadWithoutShape));
  exports.Set("outputsOnly", Napi::Function::New(env, OutputsOnly));
  exports.Set("outputsWithoutShape", Napi::Function::New(env, OutputsWithoutShape));
  exports.Set("positional", Napi::Function::New(env, Positional));
  return exports;
}

}  // namespace

NODE_API_MODULE(contract, Init)
