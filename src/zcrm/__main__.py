from zcrm.cli import main

main()
