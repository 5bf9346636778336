from cxbot.entrypoints.cli import main

main()
