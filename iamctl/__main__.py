# The same entry as the console script: a TAB is answered before Typer is imported.
from iamctl.cli.complete import main

if __name__ == "__main__":
    main()
