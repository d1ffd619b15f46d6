import SPUCore
import SPUHardware

/// A design point: one value index per axis, numbered in the order its source proposed it.
public struct DesignPoint: Sendable, Hashable {
    public var index: Int
    public var choice: [Int]

    public init(index: Int, choice: [Int]) {
        self.index = index
        self.choice = choice
    }
}

extension SweepSpec {
    /// The design JSON of a choice vector, named `<base>-<first 8 hex digits of its content hash>`
    /// so the same design gets the same name and hash in every sweep.
    public func designJSON(_ choice: [Int]) -> JSONValue {
        var design = baseDesign
        for (axis, index) in zip(axes, choice) {
            for parameter in axis.parameters { design = parameter.path.setting(parameter.values[index], in: design) }
        }
        let unnamed = JSONPathSetName.set("", in: design)
        let suffix = SHA256.hex(JSONWriter.canonical(unnamed)).prefix(8)
        return JSONPathSetName.set("\(baseDesignName)-\(suffix)", in: design)
    }

    /// How the design of `choice` differs from the base design (`JSONOverrides`): the values its
    /// axes set, and `name` (the design's name, as `designJSON` gives it).
    public func designOverrides(_ choice: [Int], name: String) -> JSONValue {
        var settings: [(path: JSONPath, value: JSONValue)] = []
        for (axis, index) in zip(axes, choice) {
            for parameter in axis.parameters { settings.append((parameter.path, parameter.values[index])) }
        }
        return JSONOverrides.document(name: name, settings: settings)
    }

    /// A choice vector as `axis=value` pairs, for error messages.
    func choiceDescription(_ choice: [Int]) -> String {
        zip(axes, choice).map { "\($0.label)=\($0.parameters[0].values[$1].briefDescription)" }.joined(separator: ", ")
    }
}

enum JSONPathSetName {
    static func set(_ name: String, in design: JSONValue) -> JSONValue {
        guard case let .object(pairs) = design else { return design }
        return .object(pairs.map { $0.key == "name" ? ("name", .string(name)) : $0 })
    }
}
