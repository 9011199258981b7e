import CLogits
import CLogitsShims
import Logits

// The export layer: each C function checks nothing itself but calls one
// checked entry point of the Logits module and turns the Refusal it returns
// (plain data, never thrown: see Refusal.swift) into its status code. Every
// declaration is checked against include/logits.h by `@c @implementation`.

/// The status for a checked entry point's outcome (nil: success), kept as
/// the calling thread's last outcome for logits_last_error_message (plain
/// data in C thread-local storage: no String, nothing that can trap).
@inline(__always)
func status(_ refusal: Refusal?) -> logits_status {
    guard let refusal else {
        lgt_shims_clear()
        return LOGITS_OK
    }
    lgt_shims_record(refusal.status, Int32(refusal.reason.rawValue), Int64(refusal.position),
                        refusal.label, Int64(refusal.limit), Int64(refusal.inner), refusal.value)
    return refusal.status
}

/// Runs `body` on the layout of the three sizes, or refuses them.
@inline(__always)
func withLayout(_ outer: Int, _ length: Int, _ inner: Int,
                _ body: (AxisLayout) -> Refusal?) -> logits_status {
    guard let layout = AxisLayout.checked(outer: outer, length: length, inner: inner) else {
        return status(Refusal(.sizeOverflow))
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
    lgt_shims_version_string()  // LOGITS_VERSION_STRING, written once in the header
}

@c @implementation
public func logits_status_string(_ status: logits_status) -> UnsafePointer<CChar>? {
    lgt_shims_status_string(status)
}

@c @implementation
public func logits_last_error_message() -> UnsafePointer<CChar>? {
    lgt_shims_last_message()
}
