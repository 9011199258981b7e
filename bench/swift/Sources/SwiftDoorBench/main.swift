// Times the same calls through both doors, one thread, in one process:
//   Swift  Logits.softmax / sigmoid over [Float] with preallocated output
//          (the unsafe-buffer forms: no allocation in the timed loop)
//   C      logits_softmax_f32 / logits_sigmoid_f32 from liblogits.so
// Prints ns per element (median of the rounds) and the ratio Swift / C, and
// writes them as JSON to the path given as the first argument.
//
//   swift run -c release --package-path bench/swift SwiftDoorBench out.json [rounds]
import Logits

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

typealias SoftmaxC = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int) -> Int32
typealias SigmoidC = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Int32

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Median seconds of `rounds` runs of `body`, after one warm-up run.
func median(_ rounds: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<rounds {
        let t0 = now()
        body()
        times.append(now() - t0)
    }
    times.sort()
    return times[times.count / 2]
}

let args = CommandLine.arguments
let outPath = args.count > 1 ? args[1] : nil
let rounds = args.count > 2 ? Int(args[2]) ?? 15 : 15
let libPath = getenv("LOGITS_LIBRARY").map { String(cString: $0) } ?? "build/lib/liblogits.so"
guard let lib = dlopen(libPath, RTLD_NOW) else {
    print("SwiftDoorBench: cannot open \(libPath): \(String(cString: dlerror()))")
    exit(1)
}
let softmaxC = unsafeBitCast(dlsym(lib, "logits_softmax_f32"), to: SoftmaxC.self)
let sigmoidC = unsafeBitCast(dlsym(lib, "logits_sigmoid_f32"), to: SigmoidC.self)
Logits.threadCount = 1
if let set = dlsym(lib, "logits_set_num_threads") {
    _ = unsafeBitCast(set, to: (@convention(c) (Int) -> Int32).self)(1)
}

/// n numbers in [-5, 5) from a fixed linear congruential sequence.
func uniforms(_ n: Int) -> [Float] {
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    return (0..<n).map { _ in
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: seed >> 11) % 2_000_000) / 200_000 - 5
    }
}

struct Row { let name: String; let elements: Int; let swift: Double; let c: Double }
var rows: [Row] = []

do {
    let rowsN = 4096, cols = 1000
    let x = uniforms(rowsN * cols)
    var y = [Float](repeating: 0, count: x.count)
    let layout = try AxisLayout(rows: rowsN, cols: cols)
    let swift = median(rounds) {
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in try! Logits.softmax(xb, into: yb, layout: layout) }
        }
    }
    let c = median(rounds) {
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in _ = softmaxC(xb.baseAddress, yb.baseAddress, rowsN, cols) }
        }
    }
    rows.append(Row(name: "softmax f32 4096x1000", elements: x.count, swift: swift, c: c))
}
do {
    let n = 10_000_000
    let x = uniforms(n)
    var y = [Float](repeating: 0, count: n)
    let swift = median(rounds) {
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in try! Logits.apply(.sigmoid, xb, into: yb) }
        }
    }
    let c = median(rounds) {
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in _ = sigmoidC(xb.baseAddress, yb.baseAddress, n) }
        }
    }
    rows.append(Row(name: "sigmoid f32 10^7", elements: n, swift: swift, c: c))
}

let level = String(cString: getenv("LOGITS_CPU") ?? strdup("(highest)"))
print("Swift door vs C door, 1 thread, median of \(rounds) rounds, LOGITS_CPU=\(level)")
var json = "[\n"
for (i, r) in rows.enumerated() {
    let s = r.swift / Double(r.elements) * 1e9, c = r.c / Double(r.elements) * 1e9
    let line = "  \(r.name): Swift \(String(format3(s))) ns/el, C \(String(format3(c))) ns/el, Swift/C \(format3(s / c))"
    print(line)
    json += "  {\"workload\": \"\(r.name)\", \"cpu\": \"\(level)\", \"swift_ns\": \(s), \"c_ns\": \(c)}"
    json += i + 1 < rows.count ? ",\n" : "\n"
}
json += "]\n"
if let outPath, let f = fopen(outPath, "w") {
    fputs(json, f)
    fclose(f)
}

func format3(_ v: Double) -> String {
    let scaled = (v * 1000).rounded() / 1000
    return "\(scaled)"
}
