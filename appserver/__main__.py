"""The `appserver` command line."""
import sys


def main(argv=None) -> int:
    sys.stderr.write("appserver: not implemented yet\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
