import GRDB
import SPUCore

/// Reads designs back from the `designs` table, whether stored whole (`json`) or as a sweep
/// point's base design plus overrides (`base_hash`, `overrides`; `JSONOverrides`).
public enum StoredDesign {
    /// Canonical JSON of the designs `hashes` (all of them when nil), by hash: rebuilt from their
    /// base designs where stored as overrides, so the text (and its SHA-256) is the design's.
    public static func json(_ db: Database, hashes: [String]? = nil) throws -> [String: String] {
        var out: [String: String] = [:]
        try read(db, hashes: hashes) { hash, stored in
            switch stored {
            case let .text(text): out[hash] = text
            case let .tree(tree): out[hash] = JSONWriter.canonical(tree)
            }
        }
        return out
    }

    /// `transform` of each of the designs `hashes` (all of them when nil) as a JSON tree, by
    /// hash. A point stored as overrides is its base design's tree with the overrides applied
    /// (no text written and parsed again), and only one design's tree is alive at a time, so a
    /// run of a million designs can be read for a few values each.
    public static func map<T>(_ db: Database, hashes: [String]? = nil, _ transform: (JSONValue) throws -> T) throws -> [String: T] {
        var out: [String: T] = [:]
        try read(db, hashes: hashes) { hash, stored in
            switch stored {
            case let .text(text): out[hash] = try transform(try parse(text, what: "design \(hash)"))
            case let .tree(tree): out[hash] = try transform(tree)
            }
        }
        return out
    }

    /// A design as stored: whole (its canonical text) or rebuilt from base and overrides (a tree).
    private enum Stored {
        case text(String)
        case tree(JSONValue)
    }

    /// Visits the designs `hashes` (all of them when nil) as stored.
    private static func read(_ db: Database, hashes: [String]?, _ visit: (String, Stored) throws -> Void) throws {
        // A chunk of rows at a time (a run's designs can number millions).
        let chunks: [[String]?] = hashes.map { $0.chunked(500).map { Optional($0) } } ?? [nil]
        var bases: [String: JSONValue] = [:]
        for chunk in chunks {
            let rows: [Row]
            if let chunk {
                rows = try Row.fetchAll(db, sql: "SELECT hash, json, base_hash, overrides FROM designs WHERE hash IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                                        arguments: StatementArguments(chunk))
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT hash, json, base_hash, overrides FROM designs")
            }
            try visitRows(rows, db: db, bases: &bases, visit)
        }
    }

    /// Visits one chunk of `designs` rows; `bases` keeps the base designs parsed so far.
    private static func visitRows(_ rows: [Row], db: Database, bases: inout [String: JSONValue],
                                  _ visit: (String, Stored) throws -> Void) throws {
        for row in rows {
            let hash: String = row["hash"]
            guard let baseHash: String = row["base_hash"], let overrides: String = row["overrides"] else {
                try visit(hash, .text(row["json"]))
                continue
            }
            let base: JSONValue
            if let known = bases[baseHash] {
                base = known
            } else {
                guard let text = try String.fetchOne(db, sql: "SELECT json FROM designs WHERE hash = ?", arguments: [baseHash]) else {
                    throw ResultsToolError("designs: \(hash) refers to base design \(baseHash), which the database does not have")
                }
                base = try parse(text, what: "base design \(baseHash)")
                bases[baseHash] = base
            }
            let tree: JSONValue
            do { tree = try JSONOverrides.apply(try parse(overrides, what: "overrides of \(hash)"), to: base) } catch let error as ResultsToolError {
                throw error
            } catch {
                throw ResultsToolError("designs: the overrides of \(hash) do not apply: \(error)")
            }
            try visit(hash, .tree(tree))
        }
    }

    private static func parse(_ text: String, what: String) throws -> JSONValue {
        do { return try JSONParser.parse(text) } catch { throw ResultsToolError("designs: \(what) is not JSON: \(error.description)") }
    }
}

private extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
