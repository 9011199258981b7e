#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Logits

// The Swift door of the sampler, top-k and argmax. The distribution itself
// is checked against a sorting reference in Tests/python/test_sampling.py;
// here: the API's shapes, greedy and tie rules, the Philox draw, the
// log-probabilities against a direct computation, and the errors.

@Suite struct SamplingAPI {
    let row: [Double] = [2, -1, 0.5, 3, 3, -0.5, 1.5, -4]

    @Test func greedyTakesTheFirstMaximum() throws {
        let out = try Logits.sample(row, options: SamplerOptions(temperature: 0), withLogprobs: true)
        #expect(out.tokens == [3])
        #expect(out.logprobs == [0])
        let p = row.map { exp($0 - 3) }
        #expect(abs(out.rawLogprobs![0] - log(1 / p.reduce(0, +))) < 1e-12)
    }

    @Test func seededDrawIsTheUniformDrawOfPhilox() throws {
        let rows = 50
        let x = (0..<rows).flatMap { _ in row.map { Float($0) } }
        let options = SamplerOptions(temperature: 0.8, topK: 5, topP: 0.9, seed: 0xC0FFEE)
        let seeded = try Logits.sample(x, rows: rows, options: options)
        let u = (0..<rows).map { samplerUniform(seed: 0xC0FFEE, row: UInt64($0)) }
        #expect(try Logits.sample(x, rows: rows, options: options, uniform: u).tokens == seeded.tokens)
        #expect(try Logits.sample(x, rows: rows, options: options).tokens == seeded.tokens)
        #expect(Set(seeded.tokens).isSubset(of: [0, 3, 4, 6, 2]))
    }

    @Test func logprobsMatchTheFilteredDistribution() throws {
        // top_k 3 keeps 3.0, 3.0 (indices 3, 4) and 2.0 (index 0); T = 0.5.
        let out = try Logits.sample(row, options: SamplerOptions(temperature: 0.5, topK: 3, seed: 9), withLogprobs: true)
        let kept = [0, 3, 4]
        let w = kept.map { exp((row[$0] - 3) / 0.5) }
        let t = Int(out.tokens[0])
        #expect(kept.contains(t))
        let want = log(exp((row[t] - 3) / 0.5) / w.reduce(0, +))
        #expect(abs(out.logprobs![0] - want) < 1e-12)
    }

    @Test func penaltiesAndBias() throws {
        // Repetition 100 on token 3 and a ban of token 4 leave 2.0 (index 0) on top.
        var options = SamplerOptions(temperature: 0, repetitionPenalty: 100)
        options.logitBias = [4: -.infinity]
        #expect(try Logits.sample(row, options: options, history: [[3, 3]]).tokens == [0])
    }

    @Test func topKAndArgmax() throws {
        let (v, i) = try Logits.topK([3, 1, 3, 5, .nan, 5] as [Float], 3)
        #expect(i == [4, 3, 5])
        #expect(v[1] == 5 && v[2] == 5 && v[0].isNaN)
        #expect(try Logits.topK(row + row, 2, rows: 2).indices == [3, 4, 3, 4])
        #expect(try Logits.argmax(row + [1, 9, 9, 0, 0, 0, 0, 0], rows: 2) == [3, 1])
    }

    @Test func errorsAreThrown() {
        #expect(throws: LogitsError.self) { try Logits.sample(row, options: SamplerOptions(topP: 0)) }
        #expect(throws: LogitsError.self) { try Logits.sample(row, rows: 3) }
        #expect(throws: LogitsError.self) { try Logits.sample(row, history: [[8]]) }
        #expect(throws: LogitsError.self) { try Logits.sample([Double](repeating: -.infinity, count: 4)) }
        #expect(throws: LogitsError.self) { try Logits.topK(row, 9) }
        #expect(throws: LogitsError.self) { try Logits.argmax([Double]()) }
        do {
            _ = try Logits.sample([1, .nan] as [Float])
            Issue.record("a NaN logit was sampled")
        } catch {
            #expect(error.description.contains("NaN"))
        }
    }
}
