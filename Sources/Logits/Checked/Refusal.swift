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
    package enum Reason: UInt8, Sendable {
        case nullPointer, sizeOverflow, overlap, labelOutOfRange
        // Options.
        case temperature, temperatureWithProbabilities, labelSmoothing, eps, gamma, alpha
        case reduction, fromLogitsFlag, ignoreIndexFlag, alphaFlag, ceStructSize, bceStructSize
        // Shapes.
        case noClasses
        // Values, at `position` with `value`.
        case classWeight, softTarget, posWeight, elementWeight, binaryTarget, binaryProbability
        case probability, probabilitySum
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
    /// The error (and message) for a refusal of the checked entry points.
    @inlinable
    package init(_ r: Refusal) {
        let fix = "; pass logits with from_logits = true instead"
        switch r.reason {
        case .nullPointer: self = .nullPointer
        case .sizeOverflow: self = .sizeOverflow
        case .overlap: self = .overlap
        case .labelOutOfRange: self = .labelOutOfRange(position: r.position, label: r.label)
        case .temperature: self = .invalidArgument("temperature must be finite and > 0")
        case .temperatureWithProbabilities:
            self = .invalidArgument("temperature must be 1 when the input holds probabilities")
        case .labelSmoothing: self = .invalidArgument("label smoothing must be in [0, 1]")
        case .eps: self = .invalidArgument("eps must be in (0, 0.5)")
        case .gamma: self = .invalidArgument("gamma must be finite and >= 0")
        case .alpha: self = .invalidArgument("alpha must be in [0, 1]")
        case .reduction:
            self = .invalidArgument("reduction must be LOGITS_REDUCTION_NONE, _MEAN or _SUM")
        case .fromLogitsFlag: self = .invalidArgument("from_logits must be 0 or 1")
        case .ignoreIndexFlag: self = .invalidArgument("has_ignore_index must be 0 or 1")
        case .alphaFlag: self = .invalidArgument("has_alpha must be 0 or 1")
        case .ceStructSize: self = .invalidArgument("struct_size: call logits_ce_options_init first")
        case .bceStructSize: self = .invalidArgument("struct_size: call logits_bce_options_init first")
        case .noClasses: self = .invalidArgument("classes must be > 0 when there are samples")
        case .classWeight: self = .invalidArgument(Self.value("class weights", "finite and >= 0", r))
        case .softTarget: self = .invalidArgument(Self.value("soft targets", "finite and >= 0", r))
        case .posWeight: self = .invalidArgument(Self.value("pos_weight", "finite and >= 0", r))
        case .elementWeight: self = .invalidArgument(Self.value("weight", "finite and >= 0", r))
        case .binaryTarget: self = .invalidArgument(Self.value("targets", "in [0, 1]", r))
        case .binaryProbability:
            self = .invalidArgument(Self.value("probabilities", "in [0, 1]", r) + fix)
        case .probability:
            self = .invalidArgument(
                "probabilities must be finite and >= 0 (input[\(r.position)] = \(r.value))" + fix)
        case .probabilitySum:
            self = .invalidArgument("probabilities of sample \(r.position) sum to \(r.value)" + fix)
        }
    }

    @usableFromInline
    static func value(_ what: String, _ rule: String, _ r: Refusal) -> String {
        "\(what) must be \(rule) (\(what)[\(r.position)] = \(r.value))"
    }
}
