from tbkl_gen.cli import main

main()
