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
    public func designJSON(_ choice: [Int]) -> JSONValue { designIdentity(choice).json }

    /// `designJSON(choice)` with its canonical JSON and content hash. The canonical JSON of the
    /// named design is the unnamed one's with the top-level name filled in (keys are sorted, so
    /// nothing else moves), and the hash of the text before the name is shared by both digests.
    func designIdentity(_ choice: [Int]) -> (json: JSONValue, canonicalJSON: String, contentHash: String) {
        var design = baseDesign
        for (axis, index) in zip(axes, choice) {
            for parameter in axis.parameters { design = parameter.path.setting(parameter.values[index], in: design) }
        }
        let unnamed = JSONPathSetName.set("", in: design)
        let (text, nameOffset) = JSONWriter.canonical(unnamed, offsetOfTopLevelKey: "name")
        let (unnamedHash, resume) = SHA256.hex(text, sharingPrefix: nameOffset ?? 0)
        let name = "\(baseDesignName)-\(unnamedHash.prefix(8))"
        let named = JSONPathSetName.set(name, in: design)
        let canonical: String
        if let nameOffset, text.utf8.count >= nameOffset + 2 {
            let bytes = Array(text.utf8)
            precondition(bytes[nameOffset] == 0x22 && bytes[nameOffset + 1] == 0x22, "the unnamed design's name is \"\"")
            canonical = String(decoding: bytes[..<nameOffset], as: UTF8.self) + JSONWriter.quote(name)
                + String(decoding: bytes[(nameOffset + 2)...], as: UTF8.self)
        } else {
            canonical = JSONWriter.canonical(named)
        }
        return (named, canonical, SHA256.hex(canonical, resuming: resume))
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
