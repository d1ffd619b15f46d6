import SPUCore

/// Why a serving simulation cannot run: bad input (exit 2 at the command line) or a design that
/// cannot serve the model at all (the simulation reports it infeasible with the reason).
public enum ServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An argument or option out of its range, or inconsistent with the model.
    case invalid(String)
    /// A bad input file: names the file, the JSON path or line, and the rule broken.
    case input(ConfigError)
    /// The design cannot run the model (memory, packaging, TDP): the evaluator's reason.
    case infeasible(design: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(message): return message
        case let .input(error): return error.description
        case let .infeasible(design, reason): return "\(design) cannot serve this model: \(reason)"
        }
    }
}
