import ArgumentParser
import Foundation
import SPUResults

/// `spusim merge`: combine results databases (e.g. sweep shards) into one.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge results databases (e.g. the shards of a sweep) into OUT.",
        discussion: """
            Runs with the same kind, name and config hash become one run; rows already present in OUT are skipped, \
            so merging again is harmless. Inputs are only read; OUT is created if needed and written in one transaction.
            """)

    @Argument(help: "Output database (created if missing).")
    var output: String

    @Argument(help: "Input databases.")
    var inputs: [String] = []

    func run() throws {
        let report = try withToolErrors { () throws -> MergeReport in
            guard !inputs.isEmpty else { throw ResultsToolError("merge: give OUT.sqlite and at least one input database") }
            return try ResultsMerger.merge(into: output, from: inputs)
        }
        print(report.summary)
    }
}
