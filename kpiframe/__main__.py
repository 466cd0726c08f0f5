from kpiframe.entry import main

main()
