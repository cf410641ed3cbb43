"""Check a collection tarball's file list against tests/build/tarball-files.txt.

    python tests/build/check_tarball.py TARBALL [ALLOW_LIST]

Fails (exit 1) naming every file the allow-list does not permit (a cache
such as .ansible/, a test, a development tool) and every `required` pattern
no file matches; directories are not checked (a file inside is). Prints the
file count and size when all is well. A path with a hidden component
(.ansible/, .git/) or __pycache__ is refused whatever the list says.
"""

import fnmatch
import os
import sys
import tarfile


def read_allow_list(path):
    patterns = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) > 2 or (len(words) == 2 and words[1] != "required"):
                raise SystemExit("%s:%d: expected 'PATTERN [required]', got %r" % (path, number, line))
            patterns.append((words[0], len(words) == 2))
    return patterns


def hidden(name):
    """A cache or tool state that never belongs in a tarball."""
    return any(part.startswith(".") or part == "__pycache__" for part in name.split("/"))


def main(argv):
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__)
    tarball = argv[1]
    allow_list = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(__file__), "tarball-files.txt")
    patterns = read_allow_list(allow_list)
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if not m.isdir()]
    names = sorted(m.name[2:] if m.name.startswith("./") else m.name for m in members)
    allowed = [pattern for pattern, required in patterns]
    unexpected = [n for n in names if hidden(n) or not any(fnmatch.fnmatchcase(n, p) for p in allowed)]
    missing = [p for p, required in patterns
               if required and not any(fnmatch.fnmatchcase(n, p) for n in names)]
    for name in unexpected:
        print("check_tarball: %s: not in the allow-list %s" % (name, allow_list), file=sys.stderr)
    for pattern in missing:
        print("check_tarball: nothing matches the required %r" % pattern, file=sys.stderr)
    if unexpected or missing:
        return 1
    size = sum(m.size for m in members)
    print("check_tarball: %s: %d files, %d KB unpacked, all in the allow-list"
          % (tarball, len(names), size // 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
