import ArgumentParser
import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUResults
import SPUWorkload

/// Lets `--mapping-objective` take the objective's name.
extension MappingObjective: ExpressibleByArgument {}

/// `spusim run`: one design on one workload, stored in the results database.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate one design on one workload trace and store the result.")

    @Option(name: .long, help: "Hardware description (JSON), e.g. configs/chips/spu-datacenter.json.")
    var arch: String

    @Option(name: .long, help: "Workload trace (JSON), e.g. one written by 'spusim workload generate'.")
    var workload: String

    @Option(name: .long, help: "Results database.")
    var db: String = ResultsStore.defaultPath

    @Flag(name: .long, help: "Do not write to the results database.")
    var noStore = false

    @Flag(name: .long, help: "Print one JSON object instead of the readable summary.")
    var json = false

    @Option(name: .long, help: "Mapping candidates evaluated per op at most.")
    var mappingBudget: Int = MappingSearchOptions().budget

    @Option(name: .long, help: "What the mapper minimises per matmul: latency, energy or edp (energy × latency). Overrides the design's mapping.objective; default: the design's, else latency.")
    var mappingObjective: MappingObjective?

    @Option(name: .long, help: "Ops listed in the summary.")
    var top: Int = 8

    @Option(name: .long, help: "Technology directory (node files, memory.json, model-parameters.json); default: configs/tech of the SPUSim installation.")
    var tech: String?

    @Option(name: .long, help: "TCO parameters file; default: configs/tco/default.json of the SPUSim installation.")
    var tco: String?

    func validate() throws {
        try OptionRange.check(mappingBudget, in: OptionRange.mappingBudget, option: "--mapping-budget")
        try OptionRange.check(top, in: OptionRange.opsListed, option: "--top")
    }

    func run() throws {
        let started = Date()
        let design: DeviceSpec, trace: Workload, inputs: CostInputs
        do {
            design = try DeviceSpec.load(path: arch)
        } catch {
            throw failInput(error)
        }
        trace = try loadTrace(workload)
        inputs = try loadCostInputs(tech: tech, tco: tco)
        let evaluator: DesignEvaluator
        do {
            evaluator = try DesignEvaluator(device: design, inputs: inputs, options: MappingSearchOptions(budget: mappingBudget, objective: mappingObjective))
        } catch {
            printError("error: \(arch): $.process_node: \(error.description)")
            throw ExitCode(2)
        }
        // Opened (and checked: a regular file, not damaged) before the evaluation.
        let store = noStore ? nil : try withToolErrors { try ResultsStore(path: db) }
        let evaluation = evaluator.evaluate(trace)
        if let store {
            let command = (["spusim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try store.record(run: .init(command: command, configHash: SHA256.hex(design.contentHash + trace.contentHash),
                                        startedAt: started, finishedAt: Date()),
                             design: design, workload: trace, result: evaluation.performance, cost: evaluation.cost)
        }
        if json {
            print(JSONWriter.pretty(evaluation.jsonValue(designHash: design.contentHash, workloadHash: trace.contentHash)))
        } else {
            print(RunSummary(result: evaluation.performance, cost: evaluation.cost, device: design, top: top).text)
            if !noStore { print("\nstored in \(db)") }
        }
    }
}
