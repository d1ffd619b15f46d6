import Foundation
import SPUCore

/// Reads request traces and length lists from CSV files.
///
/// A trace has a header row and one request per row: an arrival time and the prompt and output
/// token counts. Column names follow the public Azure LLM inference traces (Patel et al.,
/// Splitwise, ISCA 2024; `TIMESTAMP,ContextTokens,GeneratedTokens`) or SPUSim's own
/// (`arrival_s,input_tokens,output_tokens`), case-insensitively. Timestamps are seconds, or
/// dates `YYYY-MM-DD HH:MM:SS[.fraction]` (Azure's); arrivals are shifted so the first is at 0 and
/// sorted. Errors name the file, the line and the rule: `trace.csv:17: output tokens must be …`.
public enum RequestTrace {
    static let timeColumns = ["timestamp", "arrival_s", "arrival_time", "time"]
    static let inputColumns = ["contexttokens", "input_tokens", "prompt_tokens", "input_length"]
    static let outputColumns = ["generatedtokens", "output_tokens", "completion_tokens", "output_length"]
    /// The most rows a trace may have (one simulated day at 100 requests/s is 8.6 M).
    public static let maximumRows = 50_000_000

    public static func load(path: String) throws(ServingError) -> [ServingRequest] {
        let table = try CSVTable.load(path: path)
        let time = try table.column(named: timeColumns, what: "arrival time")
        let input = try table.column(named: inputColumns, what: "input (prompt) tokens")
        let output = try table.column(named: outputColumns, what: "output (generated) tokens")
        var rows: [(Double, Int, Int)] = []
        rows.reserveCapacity(table.rows.count)
        for (line, fields) in table.rows {
            func fail(_ message: String) -> ServingError { .input(ConfigError(file: path, path: "line \(line)", message: message)) }
            guard let t = timestamp(fields[time]) else { throw fail("arrival time \"\(fields[time])\" is neither seconds nor a date YYYY-MM-DD HH:MM:SS") }
            let limit = LengthDistribution.maximumTokens
            guard let i = Int(fields[input]), (1...limit).contains(i) else { throw fail("input tokens must be a whole number in [1, \(limit)], got \"\(fields[input])\"") }
            guard let o = Int(fields[output]), (1...limit).contains(o) else { throw fail("output tokens must be a whole number in [1, \(limit)], got \"\(fields[output])\"") }
            rows.append((t, i, o))
        }
        guard let first = rows.map(\.0).min() else { throw .input(ConfigError(file: path, path: "$", message: "the trace has no requests")) }
        return rows.sorted { $0.0 < $1.0 }.map { ServingRequest(arrivalSeconds: $0.0 - first, inputTokens: $0.1, outputTokens: $0.2) }
    }

    /// One column of whole numbers ≥ 1 (a length distribution read from a CSV); `column` names
    /// it, else the first input or output column the trace conventions know.
    public static func lengths(path: String, column: String?, output: Bool) throws(ServingError) -> [Int] {
        let table = try CSVTable.load(path: path)
        let names = column.map { [$0.lowercased()] } ?? (output ? outputColumns : inputColumns)
        let index = try table.column(named: names, what: output ? "output tokens" : "input tokens")
        var values: [Int] = []
        for (line, fields) in table.rows {
            guard let n = Int(fields[index]), (1...LengthDistribution.maximumTokens).contains(n) else {
                throw .input(ConfigError(file: path, path: "line \(line)", message: "lengths must be whole numbers in [1, \(LengthDistribution.maximumTokens)], got \"\(fields[index])\""))
            }
            values.append(n)
        }
        guard !values.isEmpty else { throw .input(ConfigError(file: path, path: "$", message: "the file has no rows")) }
        return values
    }

    /// Seconds since an arbitrary epoch: a number, or a date `YYYY-MM-DD HH:MM:SS[.fraction]`
    /// (days from a proleptic Gregorian calendar; only differences matter).
    static func timestamp(_ text: String) -> Double? {
        if let seconds = Double(text), seconds.isFinite { return seconds }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-"), time = parts[1].split(separator: ":")
        guard date.count == 3, time.count == 3, let y = Int(date[0]), let m = Int(date[1]), let d = Int(date[2]),
              let hh = Int(time[0]), let mm = Int(time[1]), let ss = Double(time[2].trimmingCharacters(in: CharacterSet(charactersIn: "Z"))),
              (1...12).contains(m), (1...31).contains(d), (0...23).contains(hh), (0...59).contains(mm), ss >= 0, ss < 61, (1...9999).contains(y)
        else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe
        return Double(days) * 86400 + Double(hh * 3600 + mm * 60) + ss
    }
}

/// A small CSV reader: a header row, comma-separated fields (surrounding quotes and spaces
/// trimmed), blank lines skipped; every row must have the header's field count.
struct CSVTable {
    var file: String
    var header: [String]
    var rows: [(line: Int, fields: [String])]

    static func load(path: String) throws(ServingError) -> CSVTable {
        let text: String
        do { text = try InputFile.readText(path) } catch { throw .input(error) }
        var header: [String]?
        var rows: [(Int, [String])] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"")) }
            guard let h = header else { header = fields; continue }
            guard fields.count == h.count else {
                throw .input(ConfigError(file: path, path: "line \(lineNumber)", message: "expected \(h.count) comma-separated fields (as the header), got \(fields.count)"))
            }
            rows.append((lineNumber, fields))
            guard rows.count <= RequestTrace.maximumRows else {
                throw .input(ConfigError(file: path, path: "line \(lineNumber)", message: "more than \(RequestTrace.maximumRows) rows"))
            }
        }
        guard let header else { throw .input(ConfigError(file: path, path: "$", message: "the file is empty (a header row and one row per request are expected)")) }
        return CSVTable(file: path, header: header, rows: rows)
    }

    func column(named names: [String], what: String) throws(ServingError) -> Int {
        let lowered = header.map { $0.lowercased() }
        for name in names { if let i = lowered.firstIndex(of: name) { return i } }
        throw .input(ConfigError(file: file, path: "line 1", message: "no \(what) column: expected one of \(names.joined(separator: ", ")); the header has \(header.joined(separator: ", "))"))
    }
}
