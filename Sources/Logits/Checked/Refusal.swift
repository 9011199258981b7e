import CLogitsShims

// Why a checked entry point refused its arguments, as plain data. The C
// export layer keeps the last one per thread (Sources/CLogitsShims, whose
// LOGITS_REASON_* enum follows the order of Reason) for
// logits_last_error_message.
//
// The checks shared by the C export layer and the Swift API return this
// (nil: the arguments pass) instead of throwing: it holds no String and no
// reference, and is never thrown, so a refusal cannot reach a trap in the
// Swift runtime (string growth; the witness-table lookup that every typed
// `throw` makes for swift_willThrowTypedImpl), which would kill a C or Python
// host. The C layer reads `status`;
// the Swift API turns a Refusal into a LogitsError with a message
// (`LogitsError.init(_:)`), off the C path.

@frozen @usableFromInline
package struct Refusal: Sendable {
    @frozen @usableFromInline
    package enum Reason: UInt8, Sendable, CaseIterable {
        case nullPointer, sizeOverflow, overlap, labelOutOfRange
        // Options.
        case temperature, temperatureWithProbabilities, labelSmoothing, eps, gamma, alpha
        case reduction, fromLogitsFlag, ignoreIndexFlag, alphaFlag, ceStructSize, bceStructSize
        // Shapes.
        case noClasses
        // Values, at `position` with `value`.
        case classWeight, softTarget, posWeight, elementWeight, binaryTarget, binaryProbability
        case probability, probabilitySum
        // The precision argument (or options field).
        case precision
        // Sampling and selection: options (with `value`), then values at
        // `position` (the row for logitNaN / nothingToSample: `position`
        // is the flat index of the NaN, or the row).
        case samplerTemperature, topK, topP, minP, repetitionPenalty, additivePenalty
        case samplerOrder, samplerStructSize, historyTwice, noVocabulary, topKCount
        case historyID, historyCount, biasID, biasValue, uniform, logitNaN, nothingToSample
        // Scratch memory could not be had.
        case outOfMemory
    }

    @usableFromInline package var reason: Reason
    /// Flat position of the offending value or label (or sample, for sums).
    @usableFromInline package var position: Int
    /// The offending value (value reasons); for labelOutOfRange the ignore
    /// index, NaN when there is none.
    @usableFromInline package var value: Double
    @usableFromInline package var label: Int64
    /// The number of classes (labelOutOfRange, and the values of a
    /// (samples, classes[, inner]) array).
    @usableFromInline package var limit: Int
    /// The layout's inner size (labelOutOfRange): the label's position is
    /// (position / inner, position % inner) in the (outer, inner) samples.
    @usableFromInline package var inner: Int

    @inlinable
    package init(_ reason: Reason, position: Int = 0, value: Double = 0, label: Int64 = 0,
                 limit: Int = 0, inner: Int = 1) {
        self.reason = reason
        self.position = position
        self.value = value
        self.label = label
        self.limit = limit
        self.inner = inner
    }

    /// The same refusal with the shape its flat position lies in: `classes`
    /// then `inner` after the leading dimension (the message then names the
    /// position as an index tuple).
    @inlinable
    package func within(classes: Int, inner: Int) -> Refusal {
        var r = self
        r.limit = classes
        r.inner = inner
        return r
    }

    /// The C status code (`LOGITS_ERROR_*`).
    @inlinable
    package var status: Int32 {
        switch reason {
        case .nullPointer: return 1
        case .sizeOverflow: return 3
        case .overlap: return 4
        case .labelOutOfRange: return 5
        case .outOfMemory: return 6
        default: return 2
        }
    }
}

/// Runs a checked entry point; throws its refusal, if any, as a LogitsError.
@inlinable
package func refusing(_ body: () -> Refusal?) throws(LogitsError) {
    if let r = body() { throw LogitsError(r) }
}

extension LogitsError {
    /// The error for a refusal of the checked entry points; an invalid
    /// argument carries the C library's own message for it
    /// (`logits_last_error_message`, formatted by the same C code), so the
    /// three doors word every refusal alike.
    @inlinable
    package init(_ r: Refusal) {
        switch r.reason {
        case .nullPointer: self = .nullPointer
        case .sizeOverflow: self = .sizeOverflow
        case .overlap: self = .overlap
        case .labelOutOfRange: self = .labelOutOfRange(position: r.position, label: r.label)
        case .outOfMemory: self = .outOfMemory
        default: self = .invalidArgument(r.message)
        }
    }
}

extension Refusal {
    /// The message of `logits_last_error_message` for this refusal.
    @usableFromInline
    package var message: String {
        var record = lgt_shims_refusal(
            status: status, reason: Int32(reason.rawValue), position: Int64(position), label: label,
            limit: Int64(limit), inner: Int64(inner), value: value)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 320) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            return String(cString: lgt_shims_format(&record, base, 320))
        }
    }
}
