import CLogits
import Logits

// Sampling, top-k and argmax exports (include/logits.h). The options struct
// is read here: its enum arrives as a plain integer and is checked, so no C
// value can trap or take a wrong branch.

let samplerOptionsSize = UInt32(MemoryLayout<logits_sampler_options>.size)

@c @implementation
public func logits_sampler_options_init(_ options: UnsafeMutablePointer<logits_sampler_options>?) {
    options?.pointee = logits_sampler_options(
        struct_size: samplerOptionsSize, order: LOGITS_SAMPLER_ORDER_TRANSFORMERS, temperature: 1,
        top_k: 0, top_p: 1, min_p: 0, repetition_penalty: 1, presence_penalty: 0, frequency_penalty: 0,
        history: nil, history_len: 0, history_counts: nil, bias_ids: nil, bias_values: nil, n_bias: 0,
        seed: 0)
}

/// Reads `*p` (NULL: the defaults) into `settings`, or refuses it.
func samplerSettings(_ p: UnsafePointer<logits_sampler_options>?, _ settings: inout SamplerSettings) -> Refusal? {
    guard let p else { return nil }
    let o = p.pointee
    guard o.struct_size == samplerOptionsSize else { return Refusal(.samplerStructSize) }
    guard o.order == LOGITS_SAMPLER_ORDER_TRANSFORMERS || o.order == LOGITS_SAMPLER_ORDER_LLAMA_CPP else {
        return Refusal(.samplerOrder)
    }
    guard let topK = Int(exactly: o.top_k) else { return Refusal(.topK, value: Double(o.top_k)) }
    guard let historyLength = Int(exactly: o.history_len), let biasCount = Int(exactly: o.n_bias) else {
        return Refusal(.sizeOverflow)
    }
    settings = SamplerSettings(
        temperature: o.temperature, topK: topK, topP: o.top_p, minP: o.min_p,
        repetitionPenalty: o.repetition_penalty, presencePenalty: o.presence_penalty,
        frequencyPenalty: o.frequency_penalty, llamaOrder: o.order == LOGITS_SAMPLER_ORDER_LLAMA_CPP,
        seed: o.seed, history: o.history, historyLength: historyLength, counts: o.history_counts,
        biasIDs: o.bias_ids, biasValues: o.bias_values, biasCount: biasCount)
    return nil
}

@inline(__always)
func sample<T: LogitsFloat>(
    _ x: UnsafePointer<T>?, _ uniform: UnsafePointer<Double>?, useUniform: Bool,
    _ tokens: UnsafeMutablePointer<Int64>?, _ logprobs: UnsafeMutablePointer<T>?,
    _ raw: UnsafeMutablePointer<T>?, _ rows: Int, _ vocab: Int,
    _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    var s = SamplerSettings()
    return status(samplerSettings(options, &s)
        ?? checkedSample(x, uniform: uniform, useUniform: useUniform, tokens, logprobs, raw,
                         rows: rows, vocab: vocab, s, kernels: selectedKernels))
}

@c @implementation
public func logits_sample_f32(
    _ logits: UnsafePointer<Float>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Float>?, _ rawLogprobs: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    sample(logits, nil, useUniform: false, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_sample_f64(
    _ logits: UnsafePointer<Double>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Double>?, _ rawLogprobs: UnsafeMutablePointer<Double>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    sample(logits, nil, useUniform: false, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_sample_from_uniform_f32(
    _ logits: UnsafePointer<Float>?, _ uniform: UnsafePointer<Double>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Float>?, _ rawLogprobs: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    sample(logits, uniform, useUniform: true, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_sample_from_uniform_f64(
    _ logits: UnsafePointer<Double>?, _ uniform: UnsafePointer<Double>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Double>?, _ rawLogprobs: UnsafeMutablePointer<Double>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    sample(logits, uniform, useUniform: true, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_top_k_f32(
    _ x: UnsafePointer<Float>?, _ values: UnsafeMutablePointer<Float>?, _ indices: UnsafeMutablePointer<Int64>?,
    _ rows: Int, _ cols: Int, _ k: Int
) -> logits_status {
    status(checkedTopK(x, values, indices, rows: rows, cols: cols, k: k, kernels: selectedKernels))
}

@c @implementation
public func logits_top_k_f64(
    _ x: UnsafePointer<Double>?, _ values: UnsafeMutablePointer<Double>?, _ indices: UnsafeMutablePointer<Int64>?,
    _ rows: Int, _ cols: Int, _ k: Int
) -> logits_status {
    status(checkedTopK(x, values, indices, rows: rows, cols: cols, k: k, kernels: selectedKernels))
}

@c @implementation
public func logits_argmax_f32(
    _ x: UnsafePointer<Float>?, _ indices: UnsafeMutablePointer<Int64>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status(checkedArgmax(x, indices, rows: rows, cols: cols, kernels: selectedKernels))
}

@c @implementation
public func logits_argmax_f64(
    _ x: UnsafePointer<Double>?, _ indices: UnsafeMutablePointer<Int64>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status(checkedArgmax(x, indices, rows: rows, cols: cols, kernels: selectedKernels))
}

// The 16-bit forms (float16, bfloat16): the logits (and top-k values) in the
// format, log-probabilities float32. See CheckedHalfSampling.swift.

@inline(__always)
func halfSample(
    _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ uniform: UnsafePointer<Double>?, useUniform: Bool,
    _ tokens: UnsafeMutablePointer<Int64>?, _ logprobs: UnsafeMutablePointer<Float>?,
    _ raw: UnsafeMutablePointer<Float>?, _ rows: Int, _ vocab: Int,
    _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    var s = SamplerSettings()
    return status(samplerSettings(options, &s)
        ?? checkedHalfSample(format, x, uniform: uniform, useUniform: useUniform, tokens, logprobs, raw,
                             rows: rows, vocab: vocab, s, kernels: defaultKernels()))
}

@c @implementation
public func logits_sample_f16(
    _ logits: UnsafePointer<logits_f16>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Float>?, _ rawLogprobs: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    halfSample(.f16, logits, nil, useUniform: false, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_sample_bf16(
    _ logits: UnsafePointer<logits_bf16>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Float>?, _ rawLogprobs: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    halfSample(.bf16, logits, nil, useUniform: false, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_sample_from_uniform_f16(
    _ logits: UnsafePointer<logits_f16>?, _ uniform: UnsafePointer<Double>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Float>?, _ rawLogprobs: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    halfSample(.f16, logits, uniform, useUniform: true, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_sample_from_uniform_bf16(
    _ logits: UnsafePointer<logits_bf16>?, _ uniform: UnsafePointer<Double>?, _ tokens: UnsafeMutablePointer<Int64>?,
    _ logprobs: UnsafeMutablePointer<Float>?, _ rawLogprobs: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ vocab: Int, _ options: UnsafePointer<logits_sampler_options>?
) -> logits_status {
    halfSample(.bf16, logits, uniform, useUniform: true, tokens, logprobs, rawLogprobs, rows, vocab, options)
}

@c @implementation
public func logits_top_k_f16(
    _ x: UnsafePointer<logits_f16>?, _ values: UnsafeMutablePointer<logits_f16>?,
    _ indices: UnsafeMutablePointer<Int64>?, _ rows: Int, _ cols: Int, _ k: Int
) -> logits_status {
    status(checkedHalfTopK(.f16, x, values, indices, rows: rows, cols: cols, k: k, kernels: defaultKernels()))
}

@c @implementation
public func logits_top_k_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ values: UnsafeMutablePointer<logits_bf16>?,
    _ indices: UnsafeMutablePointer<Int64>?, _ rows: Int, _ cols: Int, _ k: Int
) -> logits_status {
    status(checkedHalfTopK(.bf16, x, values, indices, rows: rows, cols: cols, k: k, kernels: defaultKernels()))
}

@c @implementation
public func logits_argmax_f16(
    _ x: UnsafePointer<logits_f16>?, _ indices: UnsafeMutablePointer<Int64>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status(checkedHalfArgmax(.f16, x, indices, rows: rows, cols: cols, kernels: defaultKernels()))
}

@c @implementation
public func logits_argmax_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ indices: UnsafeMutablePointer<Int64>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status(checkedHalfArgmax(.bf16, x, indices, rows: rows, cols: cols, kernels: defaultKernels()))
}
