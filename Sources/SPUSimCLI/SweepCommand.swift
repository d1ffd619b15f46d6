import ArgumentParser
import Foundation
import SPUCore
import SPUResults
import SPUSweep

/// `spusim sweep`: the main job — a parameter sweep into the results database.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a design sweep from a JSON config into the results database.")

    @Argument(help: "Sweep configuration (JSON), e.g. configs/sweeps/quickstart.json.")
    var config: String

    @Option(help: "Results database.")
    var db: String = ResultsStore.defaultPath

    @Option(help: "Parallel workers, 1 to \(SweepLimits.jobs) (default: all cores).")
    var jobs: Int = min(ProcessInfo.processInfo.activeProcessorCount, SweepLimits.jobs)

    @Flag(help: "Continue the latest run of this configuration, skipping design × workload pairs already stored.")
    var resume = false

    @Option(help: "Run shard K of N (1-based), e.g. 2/8: a deterministic 1/N of the points.")
    var shard: String?

    @Flag(name: .customLong("dry-run"), help: "Expand and validate the sweep without evaluating.")
    var dryRun = false

    @Option(help: "Best designs listed in the summary.")
    var top: Int = 5

    func run() throws {
        guard (1...SweepLimits.jobs).contains(jobs) else {
            throw ValidationError("--jobs must be an integer in [1, \(SweepLimits.jobs)], got \(jobs)")
        }
        var shardValue: (k: Int, n: Int)?
        if let shard {
            let parts = shard.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
                throw ValidationError("--shard must look like K/N with 1 ≤ K ≤ N, got \"\(shard)\"")
            }
            shardValue = (parts[0], parts[1])
        }
        let cancellation = SweepCancellation()
        let interrupt = Self.onInterrupt { cancellation.cancel() }
        defer { interrupt.cancel() }
        let spec: SweepSpec, runner: SweepRunner
        do throws(SweepError) {
            spec = try SweepSpec.load(path: config)
            runner = try SweepRunner(spec: spec, options: SweepOptions(jobs: jobs, resume: resume, shard: shardValue))
            if dryRun {
                print(SweepReport.dryRun(spec: spec, summary: try runner.dryRun()))
                return
            }
            _ = try runner.dryRun()   // validate everything before touching the database
        } catch {
            printError("error: \(error.description)")
            throw ExitCode(2)
        }
        if cancellation.isCancelled {
            printError("interrupted before evaluating: nothing was written")
            throw ExitCode(130)
        }
        let store = try ResultsStore(path: db)
        let display = ProgressDisplay()
        let command = (["spusim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let summary: SweepSummary
        do {
            summary = try runner.run(into: store, command: command, cancellation: cancellation) { display.update($0) }
        } catch {
            display.finish()
            guard let sweepError = error as? SweepError else { throw error }
            printError("error: \(sweepError.description)")
            throw ExitCode(2)
        }
        display.finish()
        print(try SweepReport.summary(spec: spec, summary: summary, store: store, db: db, top: top))
        if summary.cancelled {
            printError("interrupted: finished pairs are stored; continue with --resume")
            throw ExitCode(130)
        }
    }

    /// Ctrl-C (SIGINT) and SIGTERM stop the sweep after the batch in flight.
    static func onInterrupt(_ handler: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        let term = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        term.setEventHandler(handler: handler)
        term.resume()
        return source
    }
}

/// A progress bar on a terminal (points, points/s, ETA); plain lines every few seconds otherwise.
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrint = Date.distantPast
    private var drewBar = false

    func update(_ p: SweepProgress) {
        lock.withLock {
            let now = Date()
            let final = p.pointsDone == p.pointsTotal
            guard final || now.timeIntervalSince(lastPrint) >= (isTerminal ? 0.1 : 5) else { return }
            lastPrint = now
            let fraction = p.pointsTotal > 0 ? Double(p.pointsDone) / Double(p.pointsTotal) : 1
            let eta = p.etaSeconds.map { String(format: "ETA %.0fs", $0) } ?? ""
            let stats = String(format: "%d/%d pairs, %.0f/s", p.pointsDone, p.pointsTotal, p.pointsPerSecond)
            if isTerminal {
                let width = 30
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                FileHandleWriter.writeStderr("\r\(bar) \(String(format: "%3.0f%%", fraction * 100)) \(stats) \(eta)   ")
                drewBar = true
            } else {
                FileHandleWriter.writeStderr("progress: \(String(format: "%.0f%%", fraction * 100)) \(stats) \(eta)\n")
            }
        }
    }

    func finish() {
        lock.withLock { if drewBar { FileHandleWriter.writeStderr("\n") } }
    }
}
