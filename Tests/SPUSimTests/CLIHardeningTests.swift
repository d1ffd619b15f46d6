import ArgumentParser
import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUWorkload
import Testing
@testable import SPUResults
@testable import SPUSimCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 13, "CLI and new-user papercuts": each test runs the command in-process through the
/// capturing runner (nothing reaches the test's stderr) and checks the exit status and message.
@Suite struct CLIHardeningTests {
    private let datacenter = Repo.path("configs/chips/spu-datacenter.json")
    private let edge = Repo.path("configs/chips/spu-edge-inference.json")
    private let model = Repo.path("workloads/models/llama-2-7b.json")

    // MARK: 1. numeric options are range-checked where parsed (exit 64, option and range named)

    @Test(arguments: [
        (["workload", "generate", "--cnn", "resnet50", "--batch", "0", "--out", "/tmp/x.json"], "--batch"),
        (["workload", "generate", "--model", "m.json", "--prompt", "1000000000", "--out", "/tmp/x.json"], "--prompt"),
        (["workload", "generate", "--model", "m.json", "--context=-1", "--out", "/tmp/x.json"], "--context"),
        (["workload", "generate", "--model", "m.json", "--tensor-parallel", "0", "--out", "/tmp/x.json"], "--tensor-parallel"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "inf"], "--queries-per-day"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "nan"], "--queries-per-day"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day=-5"], "--queries-per-day"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "0"], "--queries-per-day"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e10", "--input-tokens", "1000000000"], "--input-tokens"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e10", "--output-tokens", "0"], "--output-tokens"),
        (["fleet", "--model", "m.json", "--arch", "a.json", "--queries-per-day", "1e10", "--slo-ttft-ms", "inf"], "--slo-ttft-ms"),
        (["run", "--arch", "a.json", "--workload", "w.json", "--mapping-budget", "0"], "--mapping-budget"),
        (["run", "--arch", "a.json", "--workload", "w.json", "--top=-1"], "--top"),
        (["query", "--limit", "0"], "--limit"),
        (["export", "--to", "x.csv", "--limit=-3"], "--limit"),
        (["query", "--time-limit", "0"], "--time-limit"),
        (["pareto", "--objectives", "max:area_mm2,min:price_usd", "--time-limit", "nan"], "--time-limit"),
        (["compare", "--baseline", "b", "--top", "100000"], "--top"),
        (["report", "--out", "r.html", "--top", "0"], "--top"),
        (["plot", "breakdown", "--out", "b.svg", "--top", "0"], "--top"),
        (["formats", "study", "--formats", "int8", "--distribution", "gaussian", "--samples", "0"], "--samples"),
        (["formats", "study", "--formats", "int8", "--distribution", "gaussian", "--outliers", "nan"], "--outliers"),
        (["formats", "study", "--formats", "int8", "--distribution", "gaussian", "--block", "0"], "--block"),
    ])
    func outOfRangeOptionIsAUsageError(arguments: [String], option: String) {
        let (status, stderr) = CLI.runCapturing(arguments)
        #expect(status == 64, "\(arguments)")
        #expect(stderr.contains("\(option) must be"), "\(stderr)")
        #expect(stderr.contains("..."), "the accepted range is named: \(stderr)")
    }

    @Test func rangeMessageNamesOptionAndRange() {
        #expect(throws: ValidationError.self) { try OptionRange.check(0, in: OptionRange.batch, option: "--batch") }
        #expect(throws: ValidationError.self) { try OptionRange.check(Double.infinity, in: OptionRange.queriesPerDay, option: "--queries-per-day") }
        #expect(throws: ValidationError.self) { try OptionRange.check(-Double.nan, in: OptionRange.queriesPerDay, option: "--queries-per-day") }
        #expect((try? OptionRange.check(2048, in: OptionRange.tokens, option: "--prompt")) != nil)
        #expect(OptionRange.describe(OptionRange.tokens) == "1...16777216")
        #expect(OptionRange.describe(OptionRange.queriesPerDay) == "1e-06...1e+15")
    }

    // MARK: 2. one spelling of "not applicable"

    @Test func notApplicableIsSpelledOnce() {
        #expect(Formatting.fixed(.nan, 1) == "n/a")
        #expect(Formatting.fixed(-.nan, 2) == "n/a")
        #expect(Formatting.fixed(.infinity, 0) == "n/a")
        #expect(Formatting.fixed(1.25, 1) == "1.2" || Formatting.fixed(1.25, 1) == "1.3")
        #expect(Formatting.si(.nan) == "n/a")
        #expect(Formatting.seconds(.infinity) == "n/a")
        #expect(Formatting.percent(.nan) == "n/a")
    }

    // MARK: 3. an infeasible run shows its reason and no efficiency or cost figures

    @Test func infeasibleRunMarksCostsNotApplicable() throws {
        let inputs = try CostInputs.load()
        let device = try Repo.device("configs/chips/spu-edge-inference.json")
        let trace = try Repo.transformer("llama-2-70b", phase: .decode, batch: 8, length: 2048, tp: 8)
        let evaluation = try DesignEvaluator(device: device, inputs: inputs).evaluate(trace)
        #expect(!evaluation.performance.feasible)
        let text = RunSummary(result: evaluation.performance, cost: evaluation.cost, device: device, top: 0).text
        #expect(text.contains("feasible  NO: "))
        #expect(text.contains("latency   n/a (infeasible)"))
        #expect(text.contains("throughput n/a (infeasible)"))
        #expect(text.contains("MAC utilization n/a (infeasible)"))
        #expect(text.contains("energy    n/a (infeasible)"))
        #expect(text.contains("n/a (infeasible)"))
        #expect(!text.contains("per million tokens;"), "no $/item figure for an infeasible point: \(text)")
        #expect(!text.lowercased().contains("nan"))
    }

    /// A design that cannot be built is not run: no bound, traffic or op table, each saying why.
    @Test func unbuildableRunSaysNotRun() throws {
        let inputs = try CostInputs.load()
        var device = try Repo.device("configs/chips/spu-datacenter.json")
        device.compute.arrangement = .mesh(rows: 16, cols: 16)   // about two reticles of N3
        let trace = try Repo.transformer("llama-2-7b", phase: .decode, batch: 8, length: 1024)
        let evaluation = try DesignEvaluator(device: device, inputs: inputs).evaluate(trace)
        #expect(!evaluation.performance.wasRun)
        let text = RunSummary(result: evaluation.performance, cost: evaluation.cost, device: device, top: 5).text
        #expect(text.contains("exceeds the 858 mm² reticle limit") && text.contains("bound: n/a"))
        #expect(text.contains("traffic   n/a (not run: the design cannot be built)"))
        #expect(text.contains("top ops by time: n/a (not run: the design cannot be built)"))
        #expect(text.contains("area ") && !text.lowercased().contains("nan"))
    }

    // MARK: 4. default --tech / --tco resolve against the installation

    @Test func defaultConfigsResolveAgainstTheInstallation() throws {
        // A checkout's .build/debug/spusim finds the checkout's configs from any directory.
        let executable = Repo.path(".build/debug/spusim")
        let directories = SPUSimHome.searchDirectories(environment: [:], currentDirectory: "/", executablePath: executable)
        let resolved = try SPUSimHome.resolve("configs/tech", isDefault: true, what: "technology directory", option: "--tech DIR", directories: directories)
        #expect(resolved == Repo.path("configs/tech"))
        // SPUSIM_HOME comes first.
        let home = SPUSimHome.searchDirectories(environment: ["SPUSIM_HOME": "/opt/spusim"], currentDirectory: "/", executablePath: nil)
        #expect(home == ["/opt/spusim", "/"])
        // A path the user gave is used as given.
        #expect(try SPUSimHome.resolve("configs/tech", isDefault: false, what: "", option: "", directories: []) == "configs/tech")
        // Found nowhere: the message names the default, the places looked in and the option.
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try SPUSimHome.resolve("configs/tech", isDefault: true, what: "technology directory", option: "--tech DIR", directories: [dir.path])
            Issue.record("expected DefaultPathNotFound")
        } catch {
            #expect(error.description.contains("default technology directory configs/tech not found (looked in \(dir.path)"))
            #expect(error.description.hasSuffix("pass --tech DIR"))
        }
    }

    // MARK: 5. a model config given as a trace is named as such

    @Test func modelConfigAsWorkloadIsNamed() {
        for arguments in [["run", "--arch", datacenter, "--workload", model, "--no-store"], ["workload", "show", model]] {
            let (status, stderr) = CLI.runCapturing(arguments)
            #expect(status == 2)
            #expect(stderr.contains("this is a model config, not a trace"), "\(stderr)")
            #expect(stderr.contains("spusim workload generate --model \(model)"))
            #expect(!stderr.contains("format_version"))
        }
        #expect(isModelConfig(model))
        #expect(!isModelConfig(Repo.path("workloads/traces/llama-3-8b-decode-b32-ctx4096.json")))
    }

    // MARK: 6. did you mean

    @Test func closestNameSuggestion() {
        #expect(Suggestion.closest(to: "swep", in: ["sweep", "run", "query"]) == "sweep")
        #expect(Suggestion.closest(to: "qeury", in: ["sweep", "run", "query"]) == "query")
        #expect(Suggestion.closest(to: "--workloads", in: ["--workload", "--arch"]) == "--workload")
        #expect(Suggestion.closest(to: "valid", in: ["validate", "validate-model"]) == nil)  // ambiguous prefix
        #expect(Suggestion.closest(to: "zzzzzz", in: ["sweep", "run"]) == nil)
        #expect(Suggestion.closest(to: "foo", in: ["gemm", "moe", "bandwidth"]) == nil)   // two edits of a short word: not a typo
        #expect(Suggestion.closest(to: "mo", in: ["gemm", "moe", "bandwidth"]) == "moe")
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("ab", "ba") == 1)
    }

    @Test func typosGetSuggestions() {
        var (status, stderr) = CLI.runCapturing(["swep"])
        #expect(status == 64)
        #expect(stderr.contains("unknown subcommand 'swep' of 'spusim' (did you mean 'sweep'?)"), "\(stderr)")
        (status, stderr) = CLI.runCapturing(["plot", "bogus"])
        #expect(status == 64)
        #expect(stderr.contains("unknown subcommand 'bogus' of 'spusim plot'"), "\(stderr)")
        #expect(stderr.contains("pareto"))
        (status, stderr) = CLI.runCapturing(["plot", "paretto"])
        #expect(stderr.contains("did you mean 'pareto'?"), "\(stderr)")
        (status, stderr) = CLI.runCapturing(["run", "--arch", datacenter, "--workloads", "w.json"])
        #expect(status == 64)
        #expect(stderr.contains("Unknown option '--workloads'. Did you mean '--workload'?"), "\(stderr)")
        (status, stderr) = CLI.runCapturing(["query", "--limt", "3"])
        #expect(status == 64)
        #expect(stderr.contains("Did you mean '--limit'?"), "\(stderr)")
        #expect(stderr.components(separatedBy: "Unknown option").count == 2, "said once: \(stderr)")
        (status, stderr) = CLI.runCapturing(["validate-model", "--category", "gem"])
        #expect(status == 64)
        #expect(stderr.contains("did you mean \"gemm\"?"), "\(stderr)")
        (status, stderr) = CLI.runCapturing(["workload", "generate", "--cnn", "resnet50", "--format", "bf61", "--out", "/tmp/never.json"])
        #expect(status == 64)
        #expect(stderr.contains("unknown --format \"bf61\" (did you mean \"bf16\"?)"), "\(stderr)")
        (status, stderr) = CLI.runCapturing(["query", "--db", "/nonexistent.sqlite", "--table", "reslts"])
        #expect(status == 2)
        #expect(stderr.contains("did you mean \"results\"?"), "\(stderr)")
        #expect(throws: FormatsCommand.Quantize.QuantizeError.self) {
            try FormatsCommand.Quantize.quantize(text: "1", format: "fp8-e4m", saturate: false)
        }
        #expect((try? FormatsCommand.Quantize.quantize(text: "1", format: "fp8-e4m", saturate: false)) == nil)
        do { _ = try FormatsCommand.Quantize.quantize(text: "1", format: "fp8-e4m", saturate: false) } catch {
            #expect((error as? FormatsCommand.Quantize.QuantizeError)?.message.contains("did you mean \"fp8-e4m3\"?") == true)
        }
        let hint = MetricCatalogue.unknownNameHint("area_mm", accepted: ["area_mm2", "latency_s"])
        #expect(hint.hasPrefix("did you mean \"area_mm2\"?"), "\(hint)")
    }

    // MARK: 7. formats quantize names the line of a bad value

    @Test func quantizeReportsFileAndLine() {
        do {
            _ = try FormatsCommand.Quantize.quantize(text: "1 2\n3\r\n\n4 x 5\n", format: "int8", saturate: false)
            Issue.record("expected a QuantizeError")
        } catch {
            #expect((error as? FormatsCommand.Quantize.QuantizeError)?.message == "stdin:4: \"x\" is not a decimal number")
        }
    }

    // MARK: 8. failed writes of output are failures

    @Test func writeToFullDeviceFails() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
        let (status, stderr) = CLI.runCapturing(["workload", "generate", "--cnn", "resnet50", "--out", "/dev/full"])
        #expect(status == SPUSimCommand.outputErrorExitCode)
        #expect(stderr.contains("--out /dev/full: cannot write"), "\(stderr)")
        var status2 = stat()
        #expect(stat("/dev/full", &status2) == 0 && status2.st_mode & S_IFMT == S_IFCHR, "/dev/full is still the device")
        // What `print` buffered on a stream whose device is full is a failure at the final flush.
        let stream = try #require(fopen("/dev/full", "w"))
        defer { fclose(stream) }
        fputs("rows\n", stream)
        #expect(!SPUSimCommand.flush(stream))
    }

    /// The built `spusim` with standard output on /dev/full: `print` succeeds into the buffer,
    /// the final flush fails, and the command must say so and exit 74 (skipped when the binary
    /// or /dev/full is not there).
    @Test func standardOutputOnFullDeviceFails() throws {
        let binary = Repo.path(".build/debug/spusim")
        guard FileManager.default.isExecutableFile(atPath: binary), let full = FileHandle(forWritingAtPath: "/dev/full") else { return }
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        _ = try ResultsStore(path: db)
        for arguments in [["metrics"], ["query", "--db", db], ["formats", "list"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardOutput = full
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == SPUSimCommand.outputErrorExitCode, "\(arguments)")
            #expect(message.contains("error: writing standard output failed"), "\(arguments): \(message)")
        }
    }

    // MARK: 9. a FIFO or a damaged file given as --db is refused, never opened

    @Test func nonRegularDatabaseIsRefused() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let db = dir.appendingPathComponent("ok.sqlite").path
        _ = try ResultsStore(path: db)  // an empty, valid database: the input of `merge FIFO DB`
        for arguments in [["query", "--db", fifo], ["report", "--db", fifo, "--out", dir.appendingPathComponent("r.html").path],
                          ["merge", dir.appendingPathComponent("out.sqlite").path, fifo], ["merge", fifo, db], ["migrate", "--db", fifo],
                          ["run", "--arch", datacenter, "--workload", Repo.path("workloads/traces/llama-3-8b-decode-b32-ctx4096.json"), "--db", fifo, "--top", "0"],
                          ["query", "--db", dir.path]] {
            let (status, stderr) = CLI.runCapturing(arguments)
            #expect(status == 2, "\(arguments)")
            #expect(stderr.contains("not a results database file"), "\(arguments): \(stderr)")
        }
    }

    @Test func damagedDatabaseIsRefusedByReadersAndWriters() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let trace = Repo.path("workloads/traces/llama-3-8b-decode-b32-ctx4096.json")
        #expect(CLI.run(["run", "--arch", datacenter, "--workload", trace, "--db", db, "--top", "0"]) == 0)
        try ResultsStore.closeIntoSingleFile(path: db)
        // Overwrite every page after the first (the header stays valid: SQLite opens the file).
        let handle = try #require(FileHandle(forUpdatingAtPath: db))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for arguments in [["query", "--db", db], ["run", "--arch", datacenter, "--workload", trace, "--db", db, "--top", "0"],
                          ["merge", dir.appendingPathComponent("m.sqlite").path, db]] {
            let (status, stderr) = CLI.runCapturing(arguments)
            #expect(status == 2, "\(arguments)")
            #expect(stderr.contains("corrupted") || stderr.contains("not an SQLite database") || stderr.contains("malformed"), "\(arguments): \(stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "nothing was written to the damaged file")
        // Not SQLite at all.
        let junk = dir.appendingPathComponent("junk.sqlite").path
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: junk))
        for arguments in [["query", "--db", junk], ["run", "--arch", datacenter, "--workload", trace, "--db", junk, "--top", "0"]] {
            let (status, stderr) = CLI.runCapturing(arguments)
            #expect(status == 2, "\(arguments)")
            #expect(stderr.contains("not an SQLite database"), "\(arguments): \(stderr)")
        }
    }
}
