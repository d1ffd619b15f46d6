import ArgumentParser
import Foundation
import SPUFormats
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

    private func exitCode(_ arguments: [String]) -> Int32 { CLI.run(arguments) }

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

/// The `spusim formats quantize` interface is what reference tools compare against: keep it stable.
@Suite struct FormatsCommandTests {
    @Test func quantizeLineFormatIsStable() throws {
        let out = try FormatsCommand.Quantize.quantize(text: "1 -0.1\n3e30 nan\t-inf 464", format: "fp8-e4m3", saturate: false)
        #expect(out == "1\t0x38\t1.0\n-0.1\t0x9d\t-0.1015625\n3e30\t0x7f\tnan\nnan\t0x7f\tnan\n-inf\t0xff\tnan\n464\t0x7e\t448.0\n")
        let lns = try FormatsCommand.Quantize.quantize(text: "0.1 1e30", format: "lns16f8", saturate: false)
        #expect(lns == "0.1\t0x7cae\t0.10011204723016834\n1e30\t0x3fff\t1.8396865112328554e+19\n")
        let saturated = try FormatsCommand.Quantize.quantize(text: "1000", format: "fp8-e4m3", saturate: true)
        #expect(saturated == "1000\t0x7e\t448.0\n")
        #expect(throws: (any Error).self) { try FormatsCommand.Quantize.quantize(text: "1 x", format: "fp8-e4m3", saturate: false) }
        #expect(throws: (any Error).self) { try FormatsCommand.Quantize.quantize(text: "1", format: "fp7", saturate: false) }
    }

    /// Hardware-format names select their catalogue codec; nodes are the technology files' and n45.
    @Test func hardwareNamesAndTechnologyNodes() throws {
        let values = "1.5 0.3 -2.5"
        #expect(try FormatsCommand.Quantize.quantize(text: values, format: "lns8", saturate: false)
                == FormatsCommand.Quantize.quantize(text: values, format: "lns8f3", saturate: false))
        #expect(try FormatsCommand.Quantize.quantize(text: values, format: "mxfp4", saturate: false)
                == FormatsCommand.Quantize.quantize(text: values, format: "mxfp4-e2m1", saturate: false))
        for node in ["n16", "n32"] {
            var costs = try SPUSimCommand.parseAsRoot(["formats", "costs", "--node", node, "--tech", Repo.path("configs/tech")])
            #expect(throws: (any Error).self) { try costs.run() }
        }
    }

    @Test func listStudyAndCostsRun() throws {
        var list = try SPUSimCommand.parseAsRoot(["formats", "list"])
        try list.run()
        var study = try SPUSimCommand.parseAsRoot(["formats", "study", "--formats", "pal8,fp8-e4m3,mxint8", "--distribution", "laplace",
                                                  "--samples", "4096", "--dot", "64", "--json"])
        try study.run()
        var costs = try SPUSimCommand.parseAsRoot(["formats", "costs", "--node", "n3", "--tech", Repo.path("configs/tech"), "--parts"])
        try costs.run()
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        var recorded = try SPUSimCommand.parseAsRoot(["formats", "study", "--formats", "pal8,int8", "--tensor",
                                                     Repo.dataFile("tensors/minilm-l0-ffn-down.npy"), "--dot", "32", "--db", db])
        try recorded.run()
        let counts = try ResultsStore(path: db).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM format_studies")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM format_dot_products")!)
        }
        // pal8: its modes + the priced exact-w32 row; int8: fp32, exact and the priced exact-w32 row.
        #expect(counts.0 == 2 && counts.1 == NumericsStudy.accumulationModes(for: "pal8").count + 4)
    }
}
