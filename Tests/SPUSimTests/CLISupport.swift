import ArgumentParser
@testable import SPUSimCLI

/// Runs `spusim` in-process, as the binary would. What the command writes to standard error is
/// captured (tests of bad input stay quiet), and returned by `runCapturing`.
enum CLI {
    static func run(_ arguments: [String]) -> Int32 { runCapturing(arguments).status }

    static func runCapturing(_ arguments: [String]) -> (status: Int32, stderr: String) {
        let capture = TextCapture()
        let status = FileHandleWriter.$stderrCapture.withValue(capture) { () -> Int32 in
            do {
                var command = try SPUSimCommand.parseAsRoot(arguments)
                try command.run()
                return 0
            } catch let code as ExitCode {
                return code.rawValue
            } catch {
                // What ArgumentParser would print for a usage error.
                FileHandleWriter.writeStderr(SPUSimCommand.message(for: error, arguments: arguments) + "\n")
                return SPUSimCommand.exitCode(for: error).rawValue
            }
        }
        return (status, capture.text)
    }
}
