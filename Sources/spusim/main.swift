import SPUSimCLI

SPUSimCommand.mainCheckingOutput()
