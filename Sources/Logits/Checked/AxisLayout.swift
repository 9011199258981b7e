/// How an operation along one axis sees a C-contiguous array: `outer`
/// independent blocks, each holding `length` slices of `inner` contiguous
/// elements. Element `(o, k, i)` sits at `(o * length + k) * inner + i`, and
/// the operation runs along `k`.
///
/// ```swift
/// // Softmax over axis 1 of a 2 x 3 x 4 array: outer 2, length 3, inner 4.
/// let layout = try AxisLayout(shape: [2, 3, 4], axis: 1)
/// // A batch of 8 rows of 10 classes: the last axis.
/// let rows = try AxisLayout(rows: 8, cols: 10)
/// ```
public struct AxisLayout: Hashable, Sendable {
    /// Product of the dimensions before the axis.
    public let outer: Int
    /// The length of the axis the operation runs along.
    public let length: Int
    /// Product of the dimensions after the axis (the stride of the axis).
    public let inner: Int
    /// `outer * length * inner`, the number of elements.
    public let count: Int
    /// `outer * inner`, the number of slices (the size of a reduction's result).
    public let sliceCount: Int

    /// A layout from its three sizes. Throws `.sizeOverflow` for a negative
    /// size or when `outer * length * inner` or `outer * inner` overflows `Int`.
    @inlinable
    public init(outer: Int, length: Int, inner: Int) throws(LogitsError) {
        guard let layout = AxisLayout.checked(outer: outer, length: length, inner: inner) else {
            throw .sizeOverflow
        }
        self = layout
    }

    /// The layout, or nil for a negative size or an overflowing product (the
    /// C layer's form: it cannot throw).
    @inlinable
    package static func checked(outer: Int, length: Int, inner: Int) -> AxisLayout? {
        guard outer >= 0, length >= 0, inner >= 0 else { return nil }
        let (slices, o1) = outer.multipliedReportingOverflow(by: inner)
        let (total, o2) = slices.multipliedReportingOverflow(by: length)
        guard !o1, !o2 else { return nil }
        return AxisLayout(outer, length, inner, total, slices)
    }

    @inlinable
    init(_ outer: Int, _ length: Int, _ inner: Int, _ total: Int, _ slices: Int) {
        self.outer = outer
        self.length = length
        self.inner = inner
        self.count = total
        self.sliceCount = slices
    }

    /// The last axis of a `rows x cols` matrix.
    @inlinable
    public init(rows: Int, cols: Int) throws(LogitsError) {
        try self.init(outer: rows, length: cols, inner: 1)
    }

    /// Axis `axis` of a C-contiguous array of shape `shape`; a negative axis
    /// counts from the end, as in numpy. Throws `.invalidArgument` for an
    /// axis out of range (a rank-0 shape has no axis) and `.sizeOverflow` for
    /// negative dimensions or an element count that overflows.
    @inlinable
    public init(shape: [Int], axis: Int) throws(LogitsError) {
        let rank = shape.count
        guard axis >= -rank, axis < rank else {
            throw .invalidArgument("axis \(axis) is out of range for an array of rank \(rank)")
        }
        let a = axis < 0 ? axis &+ rank : axis
        var outer = 1
        var inner = 1
        var i = 0
        while i < rank {
            let d = shape[i]
            guard d >= 0 else { throw .sizeOverflow }
            if i < a {
                let (p, o) = outer.multipliedReportingOverflow(by: d)
                guard !o else { throw .sizeOverflow }
                outer = p
            } else if i > a {
                let (p, o) = inner.multipliedReportingOverflow(by: d)
                guard !o else { throw .sizeOverflow }
                inner = p
            }
            i &+= 1
        }
        try self.init(outer: outer, length: shape[a], inner: inner)
    }
}
