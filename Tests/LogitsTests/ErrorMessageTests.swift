import CLogitsShims
import Testing

@testable import Logits

/// The messages of refusals come from one formatter (Sources/CLogitsShims),
/// shared by logits_last_error_message, the Python binding and this API.
@Suite struct ErrorMessages {
    @Test func everyReasonHasItsOwnMessage() {
        // Refusal.Reason and the shim's LOGITS_REASON_* list the same reasons
        // in the same order.
        #expect(Refusal.Reason.allCases.count == Int(LOGITS_REASON_COUNT))
        var seen = Set<String>()
        for reason in Refusal.Reason.allCases {
            let r = Refusal(reason, position: 3, value: -1, label: 7, limit: 5)
            let message = r.message
            #expect(!message.isEmpty, "\(reason)")
            seen.insert(message)
        }
        // null pointer, size overflow and overlap share nothing but their
        // status text; every other reason names its own argument.
        #expect(seen.count == Refusal.Reason.allCases.count)
    }

    @Test func messagesNameArgumentPositionAndValue() {
        #expect(Refusal(.labelOutOfRange, position: 1, value: .nan, label: 99, limit: 10).message
                == "label 99 at position (1,) is out of range [0, 10)")
        #expect(Refusal(.labelOutOfRange, position: 7, value: -100, label: 12, limit: 10, inner: 3).message
                == "label 12 at position (2, 1) is out of range [0, 10) and is not the ignore index -100")
        #expect(Refusal(.classWeight, position: 2, value: -1).message
                == "class_weight must be finite and >= 0; class_weight at (2,) is -1")
        #expect(Refusal(.binaryTarget, position: 5, value: 1.5).within(classes: 2, inner: 1).message
                == "target must be in [0, 1]; target at (2, 1) is 1.5")
        #expect(Refusal(.temperature).message == "temperature must be finite and > 0")
    }

    @Test func swiftErrorsCarryTheSameText() {
        #expect(throws: LogitsError.invalidArgument(Refusal(.temperature).message)) {
            try Logits.softmax([1, 2, 3] as [Double], temperature: -1)
        }
    }
}

/// Sizes the array API must refuse instead of trapping (as the C door does).
@Suite struct SwiftSizes {
    @Test func resultsThatCannotBeAllocatedThrow() {
        // 2^60 logsumexp results of an empty axis: more than any memory.
        #expect(throws: LogitsError.sizeOverflow) {
            try Logits.logSumExp([Double](), shape: [1 << 40, 0, 1 << 20], axis: 1)
        }
        #expect(throws: LogitsError.sizeOverflow) {
            try Logits.logSumExp([Double](), shape: [1 << 31, 0, 1 << 31], axis: 1)
        }
        #expect(throws: LogitsError.sizeOverflow) {
            try Logits.logSumExp([Float](), shape: [Int.max, 0, 2], axis: 1)
        }
        #expect(throws: LogitsError.sizeOverflow) {
            try Logits.softmax([Float](), shape: [-1, 0], axis: 1)
        }
    }

    @Test func labelCountsAreCheckedBeforeAllocating() {
        // 0 labels cannot match 2^60 samples: refused before the 2^60 losses.
        #expect(throws: LogitsError.invalidArgument("0 labels for 1152921504606846976 samples")) {
            try crossEntropy([Float](), labels: [], shape: [1 << 40, 0, 1 << 20], axis: 1,
                             options: .init(reduction: .none))
        }
        #expect(throws: LogitsError.invalidArgument("targets hold 1 values, the input 0")) {
            try crossEntropy([Float](), targets: [1], shape: [1 << 40, 0, 1 << 20], axis: 1)
        }
    }
}
