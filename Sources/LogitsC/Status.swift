import CLogits
import Logits

// The export layer: each C function checks nothing itself but calls one
// checked entry point of the Logits module and turns the Refusal it returns
// (plain data, never thrown: see Refusal.swift) into its status code. Every
// declaration is checked against include/logits.h by `@c @implementation`.

/// The status for a checked entry point's outcome (nil: success).
@inline(__always)
func status(_ refusal: Refusal?) -> logits_status {
    guard let refusal else { return LOGITS_OK }
    return refusal.status
}

/// Runs `body` on the layout of the three sizes, or refuses them.
@inline(__always)
func withLayout(_ outer: Int, _ length: Int, _ inner: Int,
                _ body: (AxisLayout) -> Refusal?) -> logits_status {
    guard let layout = AxisLayout.checked(outer: outer, length: length, inner: inner) else {
        return LOGITS_ERROR_SIZE_OVERFLOW
    }
    return status(body(layout))
}

/// A static NUL-terminated string as a C string.
@inline(__always)
func cString(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func logits_version() -> CUnsignedInt {
    CUnsignedInt(LOGITS_VERSION_MAJOR * 10000 + LOGITS_VERSION_MINOR * 100 + LOGITS_VERSION_PATCH)
}

@c @implementation
public func logits_version_string() -> UnsafePointer<CChar>? {
    cString("0.1.0")
}

@c @implementation
public func logits_status_string(_ status: logits_status) -> UnsafePointer<CChar>? {
    switch status {
    case LOGITS_OK: return cString("ok")
    case LOGITS_ERROR_NULL_POINTER: return cString("null pointer: a required pointer was NULL")
    case LOGITS_ERROR_INVALID_ARGUMENT:
        return cString("invalid argument: a value is outside its documented domain")
    case LOGITS_ERROR_SIZE_OVERFLOW:
        return cString("size overflow: a size, product of sizes or byte count exceeds PTRDIFF_MAX")
    case LOGITS_ERROR_OVERLAP:
        return cString("overlap: an output buffer partially overlaps an input buffer")
    case LOGITS_ERROR_LABEL_OUT_OF_RANGE:
        return cString("label out of range: a class label is outside [0, classes) and is not the ignore index")
    default: return cString("unknown status")
    }
}
