"""The `appserver` command line (also `python -m appserver`)."""
from __future__ import annotations

import os
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    from ._load import AppLoadError, read_env_file
    from ._options import parse
    from ._supervisor import Supervisor

    ns = parse(argv)
    env = dict(os.environ)
    if ns.working_dir:
        if not os.path.isdir(ns.working_dir):
            sys.stderr.write("appserver: --working-dir %s is not a directory\n" % ns.working_dir)
            return 2
        ns.working_dir = os.path.abspath(ns.working_dir)
    if ns.env_file:
        try:
            env.update(read_env_file(ns.env_file))
        except (OSError, AppLoadError) as e:
            sys.stderr.write("appserver: cannot read --env-file: %s\n" % e)
            return 2
    # Workers import from the directory appserver was started in (like
    # gunicorn and granian do) unless --working-dir says otherwise.
    if not ns.working_dir:
        ns.working_dir = os.getcwd()
    return Supervisor(ns, env).run()


if __name__ == "__main__":
    sys.exit(main())
