import ArgumentParser
import SPUCore

/// The `spusim` command line. Each subcommand parses its options, calls the library and prints;
/// the modelling lives in the library modules.
public struct SPUSimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "spusim",
        abstract: "Design-space exploration for spatial AI accelerators and GPUs.",
        version: SPUSimVersion.current,
        subcommands: [SweepCommand.self, RunCommand.self, ValidateCommand.self, WorkloadCommand.self, FormatsCommand.self, FleetCommand.self, ServeCommand.self, ValidateModelCommand.self, QueryCommand.self, ParetoCommand.self, CompareCommand.self, ExportCommand.self, MetricsCommand.self, MergeCommand.self, MigrateCommand.self, ReportCommand.self, PlotCommand.self, RecipesCommand.self, AccuracyCommand.self, ScheduleCommand.self, TrainCommand.self, ClusterCommand.self])

    public init() {}
}

/// Prints a configuration error the way users read it and exits with status 2.
func failInput(_ error: ConfigError) -> ExitCode {
    printError("error: \(error.description)")
    return ExitCode(2)
}

func printError(_ message: String) {
    var stderr = StandardError()
    print(message, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.writeStderr(string)
    }
}
