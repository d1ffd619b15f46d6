import ArgumentParser
@testable import SPUSimCLI

/// Runs `spusim` in-process, as the binary would, and returns its exit status.
enum CLI {
    static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try SPUSimCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            return SPUSimCommand.exitCode(for: error).rawValue
        }
    }
}
