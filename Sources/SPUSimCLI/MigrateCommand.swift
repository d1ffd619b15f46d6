import ArgumentParser
import Foundation
import SPUResults

/// `spusim migrate`: upgrades a results database written by an older SPUSim to the current
/// schema. Read commands never write, so they ask for this once; `run`, `sweep` and `merge`
/// upgrade the databases they write to themselves.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Upgrade a results database written by an older SPUSim to the current schema (in place).",
        discussion: "Renamed metric columns keep their values; new columns are derived where they can be, else NULL. See docs/results-schema.md.")

    @Option(help: "Results database.")
    var db: String = ResultsStore.defaultPath

    func run() throws {
        let outcome = try withToolErrors { () throws -> ResultsStore.Upgrade in
            guard FileManager.default.fileExists(atPath: db) else { throw ResultsToolError("\(db): no such results database") }
            return try ResultsStore.upgrade(path: db)
        }
        print(outcome.applied.isEmpty ? "\(db) is already at the current schema" : "upgraded \(db): \(outcome.applied.joined(separator: ", "))")
    }
}
