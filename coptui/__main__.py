from coptui.cli import main

main()
