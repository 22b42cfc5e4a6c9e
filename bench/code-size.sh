#!/usr/bin/env bash
# The code base's size, as a newcomer meets it: production Java (the deployed modules and the
# tooling apart), the largest class and method, the Lua scripts and their longest function, and the
# front-page documents. Counts lines as `wc -l` does; a method is measured from its signature to its
# closing brace. Run from anywhere; a folder argument measures another checkout (before/after).
#
#   bench/code-size.sh
#   bench/code-size.sh /path/to/other/checkout
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$ROOT"
python3 - <<'EOF'
import glob, os, re

def lines(path):
    with open(path, encoding='utf-8') as f:
        return sum(1 for _ in f)

def java(modules):
    return [p for m in modules for p in glob.glob(f'src/{m}/src/main/java/**/*.java', recursive=True)]

def longest_methods(paths):
    """(length, where) of each method or constructor: a signature line ending in '{' to its brace."""
    found = []
    signature = re.compile(r'^\s+(public |protected |private |static |final |synchronized |abstract |default |<[^>]+> )*'
                           r'[\w<>\[\], ?.]+\s+\w+\s*\([^;]*\)\s*(throws [\w., ]+)?\{\s*$|^\s+(public |protected |private )?[A-Z]\w*\s*\([^;]*\)\s*\{\s*$')
    for path in paths:
        text = open(path, encoding='utf-8').read().split('\n')
        for i, line in enumerate(text):
            if signature.match(line) and not re.match(r'^\s+(if|for|while|switch|catch|try|else|return|new)\b', line):
                indent = len(line) - len(line.lstrip())
                for j in range(i + 1, len(text)):
                    if text[j].strip() == '}' and len(text[j]) - len(text[j].lstrip()) == indent:
                        found.append((j - i + 1, f'{os.path.basename(path)}:{i + 1}'))
                        break
    return sorted(found, reverse=True)

def lua_functions(paths):
    found = []
    for path in paths:
        text = open(path, encoding='utf-8').read().split('\n')
        for i, line in enumerate(text):
            m = re.match(r'^(local )?function ([\w.:]+)', line)
            if m:
                for j in range(i + 1, len(text)):
                    if text[j] == 'end':
                        found.append((j - i + 1, f'{os.path.basename(path)} {m.group(2)}()'))
                        break
    return sorted(found, reverse=True)

deployed = java(['core', 'knative', 'lambda'])
tooling = java(['devtools', 'testing'])
for name, paths in (('deployed modules (core, knative, lambda)', deployed), ('tooling (devtools, testing)', tooling)):
    biggest = max(paths, key=lines)
    print(f'{name}: {len(paths)} files, {sum(map(lines, paths))} lines; largest class {os.path.basename(biggest)} {lines(biggest)}')
method = longest_methods(deployed)[0]
print(f'largest method (deployed): {method[1]} {method[0]} lines')
method = longest_methods(tooling)[0]
print(f'largest method (tooling): {method[1]} {method[0]} lines')
tests = glob.glob('src/*/src/test/java/**/*.java', recursive=True)
print(f'test java: {len(tests)} files, {sum(map(lines, tests))} lines')
lua = glob.glob('src/core/src/main/resources/scripts/*.lua')
top = lua_functions(lua)[0]
print(f'lua: {len(lua)} files, {sum(map(lines, lua))} lines; longest function {top[1]} {top[0]} lines')
docs = ['README.md', 'BENCHMARKS.md'] + sorted(glob.glob('docs/*.md'))
print('docs: ' + ', '.join(f'{d} {lines(d)}' for d in docs if os.path.exists(d)))
EOF
