import ArgumentParser
import Foundation
import SPUCore
import SPUFormats
import SPUTraining

/// `spusim cluster`: devices, facility power and cost for a sustained compute target (the
/// zettascale question), on peak and, with a model, at the utilisation a training step reaches.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Size a cluster for a sustained target of operations per second: devices, facility MW, capex and $/hour, on peak and on a training workload.",
        discussion: """
        An operation is one of the two of a multiply-accumulate in --format (dense), so 1e21 means 5e20 MACs/s. \
        With --model, the training step of --parallel (or the best layout --search finds over --devices) sets the \
        utilisation (MFU) at which the devices sustain the target. Model: docs/training.md.
        """)

    @OptionGroup var inputs: TrainingOptions

    @Option(name: .long, help: "Sustained operations per second to reach, e.g. 1e21.")
    var targetOps: Double

    @Option(name: .long, help: "Number format the operations are counted in (default: the recipe's weight format).")
    var format: String?

    @Option(name: .long, help: "Parallel layout of the workload step that measures utilisation, e.g. tp=8,pp=8,dp=16.")
    var parallel: String?

    @Option(name: .long, help: "Devices the workload step is evaluated on when --parallel is not given (the layout is searched).")
    var devices: Int?

    @Option(name: .long, help: "Facility power limit to check the plans against, MW.")
    var limitMw: Double = 200

    @Flag(name: .long, help: "Print JSON instead of the readable summary.")
    var json = false

    func validate() throws {
        try OptionRange.check(targetOps, in: 1...1e30, option: "--target-ops")
        try OptionRange.check(limitMw, in: 1e-6...1e6, option: "--limit-mw")
        if let format, NumberFormat(rawValue: format) == nil { throw unknownValue("--format", format, accepted: NumberFormat.allCases.map(\.rawValue)) }
        if let devices { try OptionRange.check(devices, in: 1...16_777_216, option: "--devices") }
        if let parallel { do { _ = try ParallelLayout.parse(parallel) } catch { throw ValidationError("--parallel: \(error.description)") } }
        if inputs.model == nil, parallel != nil || devices != nil { throw ValidationError("--parallel and --devices need --model") }
    }

    func run() throws {
        let (design, evaluator) = try inputs.loadDesign()
        let cluster = try inputs.loadCluster()
        let numberFormat = format.flatMap(NumberFormat.init(rawValue:)) ?? inputs.precision.weights
        let sizing = ClusterSizing(evaluator: evaluator, cluster: cluster, format: numberFormat)
        guard sizing.peakOpsPerSecondPerDevice > 0 else {
            printError("error: \(design.name) cannot compute in \(numberFormat.rawValue) (no MAC array supports it)")
            throw ExitCode(2)
        }
        var plans: [ClusterSizing.Plan] = []
        if let peak = sizing.plan(targetOpsPerSecond: targetOps, utilization: 1, basis: "peak \(numberFormat.rawValue)") { plans.append(peak) }
        var step: TrainingStepResult?
        var note: String?
        if let model = try inputs.stepModel(evaluator: evaluator, cluster: cluster) {
            if let parallel {
                do { step = try model.evaluate(try ParallelLayout.parse(parallel)) } catch {
                    printError("error: --parallel: \(error)")
                    throw ExitCode(64)
                }
            } else {
                let count = devices ?? cluster.scaleUp.devices
                step = ParallelLayoutSearch(model: model).run(devices: count, keep: 1).ranked.first
                if step == nil { note = "no feasible layout of \(model.generator.forward.modelName) over \(count) devices" }
            }
            if let s = step, let t = s.time {
                let basis = "\(s.model) training, \(s.layout) on \(s.devices) devices: MFU \(Formatting.percent(t.mfu))"
                if let plan = sizing.plan(targetOpsPerSecond: targetOps, utilization: t.mfu, basis: basis) { plans.append(plan) }
            } else if let s = step {
                note = "the workload step is infeasible: \(s.reason ?? "")"
            }
        }
        if json {
            print(JSONWriter.pretty(.object([
                ("target_ops_per_s", .number(targetOps)), ("format", .string(numberFormat.rawValue)), ("design", .string(design.name)),
                ("cluster", .string(cluster.name)), ("peak_ops_per_s_per_device", .number(sizing.peakOpsPerSecondPerDevice)),
                ("limit_facility_w", .number(limitMw * 1e6)), ("plans", .array(plans.map(\.jsonValue))),
                ("workload_step", step.map(\.jsonValue) ?? .null), ("note", note.map(JSONValue.string) ?? .null),
            ])))
            return
        }
        print("\(String(format: "%.3g", targetOps)) OP/s sustained in \(numberFormat.rawValue) on \(design.name) (\(Formatting.si(sizing.peakOpsPerSecondPerDevice, "OP/s")) peak per device), \(cluster.name):")
        let rows = plans.map { p in
            [p.basis, Formatting.si(Double(p.devices)), Formatting.fixed(p.facilityPowerW / 1e6, 1) + " MW" + (p.facilityPowerW > limitMw * 1e6 ? " (over \(JSONWriter.formatNumber(limitMw)) MW)" : ""),
             "$" + Formatting.si(p.capexUSD), "$" + Formatting.si(p.usdPerHour)]
        }
        print(Formatting.table(header: ["sustained at", "devices", "facility power", "capex", "per hour"], rows: rows, rightAligned: [1, 2, 3, 4]))
        if let note { print(note) }
        print("facility power: accelerators at TDP, hosts, NICs and switches, × PUE \(JSONWriter.formatNumber(evaluator.inputs.tco.pue)); a network beyond the cluster file's \(Formatting.si(Double(cluster.maxDevices))) devices is assumed to cost what its outermost tier costs per device")
    }
}
