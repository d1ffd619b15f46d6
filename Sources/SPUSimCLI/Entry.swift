import ArgumentParser
import Foundation
import SPUCore

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The C standard output stream that `print` writes to, found by its symbol (Swift 6 refuses a
/// reference to the C global `stdout`, a mutable variable; it is set once, before `main`).
nonisolated(unsafe) private let standardOutputStream: UnsafeMutablePointer<FILE>? = {
    #if canImport(Darwin)
    let (handle, name) = (UnsafeMutableRawPointer(bitPattern: -2), "__stdoutp")  // RTLD_DEFAULT
    #else
    let (handle, name) = (UnsafeMutableRawPointer(bitPattern: 0), "stdout")  // RTLD_DEFAULT
    #endif
    guard let symbol = dlsym(handle, name) else { return nil }
    return symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
}()

extension SPUSimCommand {
    /// Exit status of a command whose output could not be written (a full disk, `/dev/full`, a
    /// closed pipe): `EX_IOERR` of sysexits.h, beside 64 (`EX_USAGE`) for usage errors.
    public static let outputErrorExitCode: Int32 = 74

    /// The `spusim` executable: parses, runs, then flushes standard output and fails (exit 74,
    /// with a message) when what was printed could not be written — `print` alone would exit 0
    /// after losing the output.
    public static func mainCheckingOutput(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(message(for: error, arguments: arguments))
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
        guard flushStandardOutput() else {
            printError("error: writing standard output failed (\(String(cString: strerror(errno))))")
            exit(withError: ExitCode(outputErrorExitCode))
        }
        exit(withError: nil)
    }

    /// Flushes standard output; false when it (or an earlier buffered write) failed.
    static func flushStandardOutput() -> Bool {
        guard let standardOutputStream else { return fflush(nil) == 0 }
        return flush(standardOutputStream)
    }

    /// Flushes `stream`; false when the flush or an earlier buffered write to it failed.
    static func flush(_ stream: UnsafeMutablePointer<FILE>) -> Bool {
        fflush(stream) == 0 && ferror(stream) == 0
    }

    /// "unknown subcommand 'swep' of 'spusim' (did you mean 'sweep'?)" when the usage error
    /// `error` comes from a word in `arguments` where a subcommand name belongs; nil otherwise
    /// (ArgumentParser's own message, which already suggests close option names, stands).
    static func unknownSubcommandMessage(arguments: [String], error: Error) -> String? {
        guard exitCode(for: error) == .validationFailure else { return nil }
        var command: ParsableCommand.Type = SPUSimCommand.self
        var path = [SPUSimCommand._commandName]
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !argument.hasPrefix("-"), !subcommands.isEmpty else { return nil }
            if let next = subcommands.first(where: { $0._commandName == argument || $0.configuration.aliases.contains(argument) }) {
                command = next
                path.append(argument)
                continue
            }
            if argument == "help" { return nil }
            let names = subcommands.map { $0._commandName }
            return "Error: unknown subcommand '\(argument)' of '\(path.joined(separator: " "))'"
                + (Suggestion.closest(to: argument, in: names).map { " (did you mean '\($0)'?)" } ?? "")
                + "; one of: \(names.joined(separator: ", "))\nSee '\(path.joined(separator: " ")) --help'."
        }
        return nil
    }

    /// What `spusim` prints for an error that ends parsing or a run (the test runner's view of it).
    static func message(for error: Error, arguments: [String]) -> String {
        if let message = unknownSubcommandMessage(arguments: arguments, error: error) { return message }
        let message = fullMessage(for: error)
        guard let (name, unknown) = unknownOptionLine(arguments: arguments, error: error),
              !message.contains("Unknown option '\(name)'") else { return message }
        return unknown + "\n" + message
    }

    /// ArgumentParser reports a missing required option before an unknown one, so
    /// `spusim run --arch A --workloads W` would say only that `--workload` is missing. This
    /// names the first unknown `--option` of a usage error, with the closest known one.
    static func unknownOptionLine(arguments: [String], error: Error) -> (name: String, line: String)? {
        guard exitCode(for: error) == .validationFailure else { return nil }
        var command: ParsableCommand.Type = SPUSimCommand.self
        for argument in arguments {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            command = next
        }
        let help = SPUSimCommand.helpMessage(for: command, includeHidden: true, columns: 10_000)
        let known = Set(help.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).map(String.init)
            .filter { $0.hasPrefix("--") && $0.count > 2 })
        for argument in arguments where argument.hasPrefix("--") && argument.count > 2 {
            let name = String(argument.split(separator: "=", maxSplits: 1)[0])
            guard !known.contains(name) else { continue }
            return (name, "Error: Unknown option '\(name)'." + (Suggestion.closest(to: name, in: known.sorted()).map { " Did you mean '\($0)'?" } ?? ""))
        }
        return nil
    }
}
