import SPUCore
import SPUScheduling
import SPUWorkload

/// A transformer served by a pipeline: its prefill and decode workloads (the transformer
/// generator, batch 1, no tensor parallelism: one request on one device) and the bytes a
/// pipeline moves for it.
public struct TransformerStages: Sendable {
    public var generator: TransformerGenerator

    public init(generator: TransformerGenerator) { self.generator = generator }

    public var config: TransformerConfig { generator.model }

    /// Prefill of one sequence of `tokens` tokens.
    public func prefill(tokens: Int) throws(PipelineError) -> Workload {
        do throws(WorkloadGeneratorError) {
            return try generator.generate(phase: .prefill, batch: 1, sequenceLength: tokens, tensorParallel: 1)
        } catch {
            throw .generator("\(generator.modelName) prefill of \(tokens) tokens: \(error)")
        }
    }

    /// One decode step of one sequence attending `context` cached tokens.
    public func decodeStep(context: Int) throws(PipelineError) -> Workload {
        do throws(WorkloadGeneratorError) {
            return try generator.generate(phase: .decode, batch: 1, sequenceLength: context, tensorParallel: 1)
        } catch {
            throw .generator("\(generator.modelName) decode at context \(context): \(error)")
        }
    }

    /// KV-cache bytes of one token: keys and values of every layer's KV heads.
    public var kvBytesPerToken: Double {
        2 * Double(config.layers * config.keyValueHeads * config.headDim) * generator.kvFormat.bytesPerElement
    }

    /// Resident weight bytes (one copy on a device).
    public func weightBytes() throws(PipelineError) -> Double { try prefill(tokens: 1).summary.weightBytes }
}

/// Why a pipeline could not be generated.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    case generator(String)
    case costing(TaskCostingError)
    case graph(TaskGraphError)
    case option(name: String, message: String)

    public var description: String {
        switch self {
        case let .generator(message): message
        case let .costing(error): error.description
        case let .graph(error): error.description
        case let .option(name, message): "\(name): \(message)"
        }
    }
}

/// Collects a pipeline's tasks, edges and data, pricing accelerator stages with a `TaskCoster`.
struct PipelineGraphBuilder {
    let coster: TaskCoster
    var tasks: [TaskGraph.Task] = []
    var edges: [TaskGraph.Edge] = []
    var data: [TaskGraph.Data] = []

    init(coster: TaskCoster) throws(PipelineError) {
        self.coster = coster
        guard coster.deviceClasses.contains("cpu") else {
            throw .costing(.noDeviceCanRun(task: "tokenize", reasons: ["the platform has no device of class \"cpu\", and a pipeline's CPU stages (tokenize, vector search, fetch, detokenize, image preprocessing) run only there"]))
        }
    }

    /// A CPU-only stage of `seconds` on a socket (`CPUSocketModel`).
    mutating func cpuTask(_ id: String, kind: String, seconds: Double, uses: [String] = []) {
        tasks.append(TaskGraph.Task(id: id, kind: kind, costSeconds: ["cpu": seconds], uses: uses))
    }

    /// An accelerator stage priced by the device models on every class with a design, times
    /// `times` (decode steps); `cpuSeconds` is the stated CPU figure used when the CPU class has
    /// no design.
    mutating func modelTask(_ id: String, kind: String, workload: Workload, times: Double = 1, cpuSeconds: Double? = nil,
                            uses: [String]) throws(PipelineError) {
        let priced: (costSeconds: [String: Double], energyJoules: [String: Double])
        do throws(TaskCostingError) {
            priced = try coster.costs(task: id, workload: workload, extra: cpuSeconds.map { ["cpu": $0 / times] } ?? [:])
        } catch {
            throw .costing(error)
        }
        tasks.append(TaskGraph.Task(id: id, kind: kind, costSeconds: priced.costSeconds.mapValues { $0 * times },
                                    energyJoules: priced.energyJoules.mapValues { $0 * times }, uses: uses))
    }

    mutating func edge(_ from: String, _ to: String, bytes: Double) {
        edges.append(TaskGraph.Edge(from: from, to: to, data: .bytes(bytes)))
    }

    mutating func datum(_ id: String, bytes: Double) { data.append(TaskGraph.Data(id: id, bytes: bytes)) }

    func graph() throws(PipelineError) -> TaskGraph {
        do throws(TaskGraphError) {
            return try TaskGraph(tasks: tasks, edges: edges, data: data)
        } catch {
            throw .graph(error)
        }
    }
}

/// Bytes of a token id on an edge (int32), and of text per token: an English BPE token averages
/// about 4 characters (OpenAI's tokenizer guide, https://help.openai.com/en/articles/4936856).
enum TokenBytes {
    static let id = 4.0
    static let text = 4.0
}
