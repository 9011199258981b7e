// Calls the public Logits API and checks each answer against a value computed
// here, independently, with libm. Exits with status 1 on any mismatch.
import Logits

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

var failures = 0

@MainActor
func check(_ what: String, _ got: [Double], _ want: [Double], tolerance: Double = 1e-12) {
    let ok = got.count == want.count && zip(got, want).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    print("\(ok ? "ok  " : "FAIL") \(what) = \(got)" + (ok ? "" : "  expected \(want)"))
    if !ok { failures += 1 }
}

do {
    // Softmax: mutually exclusive classes.
    let x: [Double] = [1, 2, 3]
    let z = x.map { exp($0 - 3) }.reduce(0, +)
    let want = x.map { exp($0 - 3) / z }
    check("Logits.softmax([1, 2, 3])", try Logits.softmax(x), want)

    // Any contiguous storage: a slice of a larger array, a ContiguousArray.
    let padded: [Double] = [9, 9, 1, 2, 3, 9]
    check("Logits.softmax(padded[2..<5])", try Logits.softmax(padded[2..<5]), want)
    check("Logits.softmax(ContiguousArray)", try Logits.softmax(ContiguousArray(x)), want)

    // In place.
    var inPlace = x
    try Logits.softmax(&inPlace)
    check("Logits.softmax(&x)", inPlace, want)

    // Softmax under temperature, along axis 0 of a 2x3 array (columns).
    let grid: [Float] = [1, 2, 3, 4, 6, 8]
    let columns = try Logits.softmax(grid, shape: [2, 3], axis: 0, temperature: 2)
    let colRef = [0, 1].flatMap { r in
        (0..<3).map { c -> Double in
            let a = Double(grid[c]) / 2, b = Double(grid[3 + c]) / 2
            return exp((r == 0 ? a : b) - max(a, b)) / (exp(a - max(a, b)) + exp(b - max(a, b)))
        }
    }
    check("Logits.softmax(2x3, axis: 0, T = 2) as Float", columns.map(Double.init), colRef, tolerance: 1e-7)

    // Sigmoid: independent labels.
    check("Logits.sigmoid([1, 2, 3])", Logits.sigmoid(x), x.map { 1 / (1 + exp(-$0)) })

    // Mean cross-entropy of 2 samples over 3 classes (a Double, not an
    // array), and its gradient in an array the caller keeps.
    let scores: [Double] = [2, 1, 0.1, 0.5, 2.5, 0.3]
    let labels: [Int64] = [0, 1]
    var gradient: [Double] = []
    let loss = try Logits.crossEntropy(scores, labels: labels, shape: [2, 3], gradient: &gradient)
    var refLoss = 0.0
    var refGrad = [Double](repeating: 0, count: 6)
    for r in 0..<2 {
        let row = Array(scores[3 * r..<3 * r + 3])
        let m = row.max()!
        let sum = row.map { exp($0 - m) }.reduce(0, +)
        refLoss += (m + log(sum) - row[Int(labels[r])]) / 2
        for c in 0..<3 {
            refGrad[3 * r + c] = (exp(row[c] - m) / sum - (c == Int(labels[r]) ? 1 : 0)) / 2
        }
    }
    check("Logits.crossEntropy(mean)", [loss], [refLoss])
    check("crossEntropy gradient", gradient, refGrad)
    let perSample = try Logits.crossEntropyPerSample(scores, labels: labels, shape: [2, 3])
    check("Logits.crossEntropyPerSample mean", [(perSample[0] + perSample[1]) / 2], [refLoss])

    // An out-of-range label is a typed error, not a silent zero.
    do {
        _ = try Logits.crossEntropy(scores, labels: [0, 99] as [Int64], shape: [2, 3])
        print("FAIL label 99 of 3 classes was accepted")
        failures += 1
    } catch {
        let ok = error == .labelOutOfRange(position: 1, label: 99)
        print("\(ok ? "ok  " : "FAIL") label 99 of 3 classes throws \(error)")
        if !ok { failures += 1 }
    }
} catch {
    print("FAIL unexpected error: \(error)")
    failures += 1
}

print(failures == 0 ? "LogitsConsumer: all checks passed" : "LogitsConsumer: \(failures) check(s) failed")
exit(failures == 0 ? 0 : 1)
