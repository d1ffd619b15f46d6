import ArgumentParser
import Foundation
import SPUCore
import SPUTraining
import SPUWorkload

/// `spusim train`: one training step of a model on a cluster under a parallel layout, or the
/// best layouts for a number of devices (`--search`).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Model one training step on a cluster: step time, tokens/s, MFU, memory per device, bubble, exposed communication, energy and cost.",
        discussion: """
        --parallel takes tp, pp, dp (and ep for MoE models), mb (micro-batch), v (interleaved chunks), zero (0-3), \
        recompute (none, selective, full), sp (sequence parallelism, on/off) and overlap (data-parallel overlap, on/off), e.g. \
        tp=8,pp=8,dp=16,mb=1,v=2. --search tries every valid layout over --devices devices and lists the best.
        Model: docs/training.md.
        """)

    @OptionGroup var inputs: TrainingOptions

    @Option(name: .long, help: "Parallel layout, e.g. tp=8,pp=4,dp=32,mb=1 (see below).")
    var parallel: String?

    @Flag(name: .long, help: "Search the parallel layouts over --devices devices instead of evaluating one.")
    var search = false

    @Option(name: .long, help: "Devices for --search (default: tp × pp × dp of --parallel, else the cluster's scale-up domain).")
    var devices: Int?

    @Option(name: .long, help: "What --search ranks by: throughput, cost (USD per million tokens) or energy (J per token).")
    var objective: ParallelLayoutSearch.Objective = .throughput

    @Option(name: .long, help: "Layouts --search lists.")
    var top: Int = 5

    @Flag(name: .long, help: "Print JSON instead of the readable summary.")
    var json = false

    func validate() throws {
        guard inputs.model != nil else { throw ValidationError("--model is required") }
        if !search, parallel == nil { throw ValidationError("give --parallel tp=..,pp=..,dp=.. or --search") }
        if let devices { try OptionRange.check(devices, in: 1...16_777_216, option: "--devices") }
        try OptionRange.check(top, in: 1...1000, option: "--top")
        if let parallel { do { _ = try ParallelLayout.parse(parallel) } catch { throw ValidationError("--parallel: \(error.description)") } }
    }

    func run() throws {
        let (_, evaluator) = try inputs.loadDesign()
        let cluster = try inputs.loadCluster()
        guard let model = try inputs.stepModel(evaluator: evaluator, cluster: cluster) else { throw ExitCode(64) }
        var layout = ParallelLayout()
        if let parallel { layout = try ParallelLayout.parse(parallel) }
        if search {
            let count = devices ?? (parallel != nil ? layout.devices : cluster.scaleUp.devices)
            let started = Date()
            let outcome = ParallelLayoutSearch(model: model, objective: objective).run(devices: count, keep: top)
            let seconds = Date().timeIntervalSince(started)
            if json {
                print(JSONWriter.pretty(.object([
                    ("devices", .number(Double(count))), ("layouts_evaluated", .number(Double(outcome.layoutsEvaluated))),
                    ("profiles_evaluated", .number(Double(outcome.profilesEvaluated))), ("search_s", .number(seconds)),
                    ("ranked", .array(outcome.ranked.map(\.jsonValue))),
                    ("infeasible", .array(outcome.infeasibleReasons.map { .object([("reason", .string($0.reason)), ("layouts", .number(Double($0.count)))]) })),
                ])))
            } else {
                print(TrainingSummary.search(outcome, devices: count, objective: objective, seconds: seconds))
            }
            // No layout that fits is a result, like an infeasible run: the reasons, exit 0.
            return
        }
        let result: TrainingStepResult
        do { result = try model.evaluate(layout) } catch {
            printError("error: --parallel \(layout): \(error.description)")
            throw ExitCode(64)
        }
        if json { print(JSONWriter.pretty(result.jsonValue)) } else { print(TrainingSummary.step(result)) }
    }
}
