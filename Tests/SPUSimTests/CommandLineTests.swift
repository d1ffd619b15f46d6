import ArgumentParser
import Foundation
import GRDB
import Testing
@testable import SPUResults
@testable import SPUSimCLI

/// Runs `spusim` commands in-process, as a user would type them.
@Suite struct CommandLineTests {
    private func run(_ arguments: [String]) throws {
        var command = try SPUSimCommand.parseAsRoot(arguments)
        try command.run()
    }

    private func exitCode(_ arguments: [String]) -> Int32 {
        do {
            try run(arguments)
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            return SPUSimCommand.exitCode(for: error).rawValue
        }
    }

    @Test func generateShowRunAndStore() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("trace.json").path
        let db = dir.appendingPathComponent("r.sqlite").path
        try run(["workload", "generate", "--model", Repo.path("workloads/models/llama-2-70b.json"), "--phase", "decode",
                 "--batch", "8", "--context", "2048", "--tensor-parallel", "8", "--out", trace])
        try run(["workload", "show", trace])
        #expect(exitCode(["validate", trace, Repo.path("configs/gpus/h100-sxm.json"), Repo.path("workloads/models/gpt-j-6b.json")]) == 0)
        try run(["run", "--arch", Repo.path("configs/gpus/h100-sxm.json"), "--workload", trace, "--db", db])
        try run(["run", "--arch", Repo.path("configs/chips/spu-datacenter.json"), "--workload", trace, "--db", db, "--json"])
        let store = try ResultsStore(path: db)
        let names = try store.read { db in try String.fetchAll(db, sql: "SELECT design_name FROM results ORDER BY id") }
        #expect(names == ["h100-sxm", "spu-datacenter"])
    }

    @Test func badInputExitsTwoAndWritesNothing() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.json").path
        try #"{"name": "x", "kind": "spu"}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(exitCode(["validate", bad]) == 2)
        #expect(exitCode(["validate", dir.appendingPathComponent("missing.json").path]) == 2)
        #expect(exitCode(["run", "--arch", bad, "--workload", bad, "--db", db]) == 2)
        #expect(!FileManager.default.fileExists(atPath: db))
        let out = dir.appendingPathComponent("never.json").path
        #expect(exitCode(["workload", "generate", "--model", Repo.path("workloads/models/llama-2-7b.json"), "--tensor-parallel", "3", "--out", out]) != 0)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
