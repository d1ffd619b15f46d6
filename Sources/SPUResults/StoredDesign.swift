import GRDB
import SPUCore

/// Reads designs back from the `designs` table, whether stored whole (`json`) or as a sweep
/// point's base design plus overrides (`base_hash`, `overrides`; `JSONOverrides`).
public enum StoredDesign {
    /// Canonical JSON of the designs `hashes` (all of them when nil), by hash: rebuilt from their
    /// base designs where stored as overrides, so the text (and its SHA-256) is the design's.
    public static func json(_ db: Database, hashes: [String]? = nil) throws -> [String: String] {
        let rows: [Row]
        if let hashes {
            rows = try hashes.chunked(500).flatMap { chunk in
                try Row.fetchAll(db, sql: "SELECT hash, json, base_hash, overrides FROM designs WHERE hash IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                                 arguments: StatementArguments(chunk))
            }
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT hash, json, base_hash, overrides FROM designs")
        }
        var out: [String: String] = [:]
        var bases: [String: JSONValue] = [:]
        for row in rows {
            let hash: String = row["hash"]
            guard let baseHash: String = row["base_hash"], let overrides: String = row["overrides"] else {
                out[hash] = row["json"]
                continue
            }
            if bases[baseHash] == nil {
                guard let text = try String.fetchOne(db, sql: "SELECT json FROM designs WHERE hash = ?", arguments: [baseHash]) else {
                    throw ResultsToolError("designs: \(hash) refers to base design \(baseHash), which the database does not have")
                }
                bases[baseHash] = try parse(text, what: "base design \(baseHash)")
            }
            let rebuilt: JSONValue
            do { rebuilt = try JSONOverrides.apply(try parse(overrides, what: "overrides of \(hash)"), to: bases[baseHash]!) } catch {
                throw ResultsToolError("designs: the overrides of \(hash) do not apply: \(error)")
            }
            out[hash] = JSONWriter.canonical(rebuilt)
        }
        return out
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
