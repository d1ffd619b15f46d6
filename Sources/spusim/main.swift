import SPUSimCLI

SPUSimCommand.main()
