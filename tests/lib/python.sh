# Sourced by the test scripts that need a given Python 3.N (tests/sanity/run,
# tests/matrix/run, tests/platforms/run).
#
# find_python VERSION: prints the path of a real interpreter of Python VERSION
# (3.9, ...) from PATH or pyenv, or nothing. pyenv's shims are on PATH for
# every version but only work for the selected one, so each candidate is run
# before it is used; a venv's python is resolved to its base interpreter.
find_python() {
    local version=$1 candidate base
    local -a candidates=()
    candidate=$(command -v "python$version" 2>/dev/null) && candidates+=("$candidate")
    while IFS= read -r candidate; do
        candidates+=("$candidate")
    done < <(compgen -G "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version.*/bin/python$version" | sort -rV)
    for candidate in "${candidates[@]}"; do
        base=$("$candidate" -c "import sys
if '%d.%d' % sys.version_info[:2] == '$version': print(getattr(sys, '_base_executable', '') or sys.executable)" 2>/dev/null) || continue
        [[ -n $base && -x $base ]] && { echo "$base"; return 0; }
    done
    return 0
}
