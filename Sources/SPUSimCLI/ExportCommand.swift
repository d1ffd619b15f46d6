import ArgumentParser
import Foundation
import SPUResults

/// `spusim export`: write the rows of a query to a CSV or JSON file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export query rows to a .csv or .json file (same filters as 'spusim query').")

    @Option(help: "Output file; the format follows the extension (.csv or .json).")
    var to: String

    @OptionGroup var query: QueryOptions

    func run() throws {
        let format: ResultsOutputFormat
        switch (to as NSString).pathExtension.lowercased() {
        case "csv": format = .csv
        case "json": format = .json
        default:
            printError("error: --to \(to): the file name must end in .csv or .json")
            throw ExitCode(2)
        }
        let result = try withToolErrors { try query.fetch() }
        let text = format == .csv ? result.csv() : result.json() + "\n"
        try writeOutput(text, to: to, option: "--to")
        print("wrote \(result.rows.count) row\(result.rows.count == 1 ? "" : "s") to \(to)")
    }
}
