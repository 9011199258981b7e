// The sampler's settings as the kernels read them: checked, with the
// history and the logit bias as caller memory. Built by the C export layer
// from logits_sampler_options, and by the Swift API from SamplerOptions.

/// Checked sampler settings (see `SamplerOptions` for each field's meaning).
@frozen @usableFromInline
package struct SamplerSettings {
    @usableFromInline package var temperature: Double
    @usableFromInline package var topK: Int
    @usableFromInline package var topP: Double
    @usableFromInline package var minP: Double
    @usableFromInline package var repetitionPenalty: Double
    @usableFromInline package var presencePenalty: Double
    @usableFromInline package var frequencyPenalty: Double
    /// llama.cpp's order (temperature last) instead of transformers'.
    @usableFromInline package var llamaOrder: Bool
    @usableFromInline package var seed: UInt64
    /// rows x historyLength token ids, -1 for padding.
    @usableFromInline package var history: UnsafePointer<Int64>?
    @usableFromInline package var historyLength: Int
    /// rows x vocab counts (instead of `history`).
    @usableFromInline package var counts: UnsafePointer<Int32>?
    @usableFromInline package var biasIDs: UnsafePointer<Int64>?
    @usableFromInline package var biasValues: UnsafePointer<Double>?
    @usableFromInline package var biasCount: Int

    @inlinable
    package init(temperature: Double = 1, topK: Int = 0, topP: Double = 1, minP: Double = 0,
                 repetitionPenalty: Double = 1, presencePenalty: Double = 0, frequencyPenalty: Double = 0,
                 llamaOrder: Bool = false, seed: UInt64 = 0,
                 history: UnsafePointer<Int64>? = nil, historyLength: Int = 0,
                 counts: UnsafePointer<Int32>? = nil,
                 biasIDs: UnsafePointer<Int64>? = nil, biasValues: UnsafePointer<Double>? = nil,
                 biasCount: Int = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.llamaOrder = llamaOrder
        self.seed = seed
        self.history = history
        self.historyLength = historyLength
        self.counts = counts
        self.biasIDs = biasIDs
        self.biasValues = biasValues
        self.biasCount = biasCount
    }

    /// Whether the penalties change anything.
    @inlinable
    package var penalises: Bool {
        (history != nil && historyLength > 0 || counts != nil)
            && (repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0)
    }

    /// The first scalar setting out of its domain, if any.
    @inlinable
    package func checkScalars() -> Refusal? {
        guard temperature.isFinite, temperature >= 0 else {
            return Refusal(.samplerTemperature, value: temperature)
        }
        guard topK >= 0 else { return Refusal(.topK, value: Double(topK)) }
        guard topP > 0, topP <= 1 else { return Refusal(.topP, value: topP) }
        guard minP >= 0, minP < 1 else { return Refusal(.minP, value: minP) }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0 else {
            return Refusal(.repetitionPenalty, value: repetitionPenalty)
        }
        guard presencePenalty.isFinite, frequencyPenalty.isFinite else {
            return Refusal(.additivePenalty, value: presencePenalty.isFinite ? frequencyPenalty : presencePenalty)
        }
        if history != nil && historyLength > 0 && counts != nil { return Refusal(.historyTwice) }
        return nil
    }
}
