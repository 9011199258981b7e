#!/usr/bin/env python3
"""Count the trap instructions (ud2) reachable from every exported logits_*
function of liblogits.so.

In a release build Swift turns every failed runtime check (integer overflow,
array bounds, `!` on nil, precondition, fatalError, Int(Float.nan), ...) into a
`ud2` instruction, which kills the host process with SIGILL. The C interface
promises to report errors instead, so no exported function should be able to
reach one.

How: disassemble the library with `objdump -d`, split it into functions
(symbols, call targets, code addresses taken, and a linear sweep for the few
functions without a symbol), build the call graph from direct `call`/`jmp`/
`jcc` targets (tail calls included) and from indirect calls/jumps through the
GOT (resolved with the dynamic relocations), then walk it from every export.
In Logits' own code a function whose address is taken (a closure passed on)
counts as called. Other indirect calls (registers, vtables, witness tables)
cannot be followed: they are counted, and listed with --verbose. Calls into
other shared objects (libc, libm, ...) end the walk.

"Own code" means the functions defined in the Logits and LogitsC object files
next to the unstripped library (.build/release/Logits*.build/*.o); the rest is
the statically linked Swift runtime and standard library. For each export the
report gives the ud2 count over everything it can reach and over own code,
then the own-code functions containing a reachable ud2, and the calls from own
code into the runtime/stdlib that can reach one (the places to change).

The shipped library (build/lib/liblogits.so) is stripped of its static
symbols, so by default the function boundaries come from the unstripped
SwiftPM output (.build/release/liblogits.so), after checking that both have
byte-identical .text sections (else: rebuild with `make lib`).

Usage: check_traps.py [--lib build/lib/liblogits.so]
                      [--symbols .build/release/liblogits.so]
                      [--fail-on any|own] [--verbose] [--follow-taken]
Exit status: 0 if no export can reach a ud2 (--fail-on any, the default) or
none in own code (--fail-on own); 1 otherwise; 2 on a tool error.
Python standard library only; needs binutils (objdump, nm, readelf).
"""

import argparse
import bisect
import collections
import os
import re
import shutil
import subprocess
import sys

HEADER_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN_RE = re.compile(r"^\s+([0-9a-f]+):\t(.*)$")
SECTION_RE = re.compile(r"^Disassembly of section (\S+):$")
DIRECT_RE = re.compile(r"^([0-9a-f]+)(?: <.*>)?$")
RIP_COMMENT_RE = re.compile(r"#\s*([0-9a-f]+)(?: <.*>)?\s*$")


def run(cmd):
    try:
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True).stdout
    except FileNotFoundError:
        sys.exit("check_traps: '%s' not found (install binutils)" % cmd[0])
    except subprocess.CalledProcessError as e:
        sys.exit("check_traps: %s failed: %s" % (" ".join(cmd), e.stderr.strip()))


def section_bytes(path, name):
    """(address, bytes) of one section, read with readelf's section table."""
    for line in run(["readelf", "-SW", path]).splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[1] == name:
            addr, off, size = (int(fields[i], 16) for i in (3, 4, 5))
            with open(path, "rb") as f:
                f.seek(off)
                return addr, f.read(size)
    return None, None


def has_function_symbols(path):
    out = subprocess.run(["nm", path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True).stdout
    return sum(1 for l in out.splitlines() if re.match(r"^[0-9a-f]+ [tT] ", l)) > 100


def exports(path):
    names = []
    for line in run(["nm", "-D", "--defined-only", path]).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TtWi" and f[2].startswith("logits_"):
            names.append(f[2].split("@")[0])
    return sorted(set(names))


def got_map(path):
    """GOT slot address -> ('addr', target) or ('sym', name), from relocations."""
    slots = {}
    for line in run(["readelf", "-rW", path]).splitlines():
        f = line.split()
        if len(f) < 4 or not re.match(r"^[0-9a-f]{6,}$", f[0]):
            continue
        off, rtype = int(f[0], 16), f[2]
        if rtype == "R_X86_64_RELATIVE":
            slots[off] = ("addr", int(f[3], 16))
        elif rtype in ("R_X86_64_GLOB_DAT", "R_X86_64_JUMP_SLOT", "R_X86_64_64"):
            if len(f) >= 5:
                slots[off] = ("sym", f[4].split("@")[0])
    return slots


PADDING = ("nop", "nopw", "nopl", "xchg", "int3", "data16", "cs")


class Function:
    __slots__ = ("name", "start", "section", "ud2", "calls", "externals",
                 "indirect", "plt_name", "taken")

    def __init__(self, name, start, section):
        self.name, self.start, self.section = name, start, section
        self.ud2 = []          # addresses of ud2 instructions
        self.calls = set()     # start addresses of called functions
        self.externals = set() # names of functions in other shared objects
        self.indirect = []     # (address, instruction) not followed
        self.taken = set()     # functions whose address this one takes
        self.plt_name = name[:-4] if name.endswith("@plt") else None


def read_instructions(path):
    """[(address, mnemonic, operands, section)], {address: symbol name}."""
    insns, symbols = [], {}
    section = None
    proc = subprocess.Popen(["objdump", "-d", "--no-show-raw-insn", "-w", path],
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        line = line.rstrip("\n")
        m = INSN_RE.match(line)
        if m:
            text = m.group(2).strip()
            for prefix in ("notrack ", "bnd ", "rex.W ", "data16 ", "cs ", "ds "):
                while text.startswith(prefix) and len(text) > len(prefix):
                    text = text[len(prefix):]
            parts = text.split(None, 1)
            if parts:
                insns.append((int(m.group(1), 16), parts[0],
                              parts[1] if len(parts) > 1 else "", section))
            continue
        m = HEADER_RE.match(line)
        if m:
            symbols.setdefault(int(m.group(1), 16), (m.group(2), section))
            continue
        m = SECTION_RE.match(line)
        if m:
            section = m.group(1)
    if proc.wait() != 0:
        sys.exit("check_traps: objdump -d %s failed" % path)
    return insns, symbols


def direct_target(ops):
    m = DIRECT_RE.match(ops)
    return int(m.group(1), 16) if m else None


def function_starts(insns, symbols, slots):
    """Function entry points: symbols, direct call targets, code addresses
    taken (lea/relocations), and the first instruction after a function's
    last terminator (the unstripped library still lacks symbols for some
    functions, e.g. duplicate copies of weak definitions)."""
    text = [i for i in insns if i[3] == ".text"]
    lo, hi = text[0][0], text[-1][0]
    starts = set(symbols)
    for addr, mnem, ops, _ in insns:
        if mnem.startswith("call"):
            t = direct_target(ops)
            if t is not None:
                starts.add(t)
        elif mnem.startswith("lea") and "(%rip)" in ops:
            m = RIP_COMMENT_RE.search(ops)
            if m and lo <= int(m.group(1), 16) <= hi:
                starts.add(int(m.group(1), 16))
    for kind, target in slots.values():
        if kind == "addr" and lo <= target <= hi:
            starts.add(target)
    # Linear sweep: a function ends at a terminator (ret, jmp, ud2) that no
    # earlier branch of the same function jumps past, when padding or an
    # aligned address follows. Jumps through registers (switch tables) have
    # unknown targets: no split in such a function until the next known start.
    furthest, table_jump, ended, padded = 0, False, False, False
    for addr, mnem, ops, section in text:
        if addr in starts:
            furthest, table_jump, ended, padded = addr, False, False, False
        elif ended:
            if mnem.startswith(PADDING):
                padded = True
                continue
            if padded or (addr % 16 == 0 and not table_jump):
                starts.add(addr)
                furthest, table_jump = addr, False
            ended, padded = False, False
        if mnem.startswith("j"):
            t = direct_target(ops)
            if t is not None:
                furthest = max(furthest, t)
            elif ops.startswith("*") and "(%rip)" not in ops:
                table_jump = True
        if mnem in ("ret", "ud2", "jmp", "hlt") and furthest <= addr:
            ended, padded = True, False
    return sorted(starts)


def build_graph(insns, symbols, slots, is_own, follow_taken):
    starts = function_starts(insns, symbols, slots)
    sym_addrs = sorted(symbols)
    funcs = {}
    for s in starts:
        if s in symbols:
            name, section = symbols[s]
        else:
            i = bisect.bisect_right(sym_addrs, s) - 1
            base = symbols[sym_addrs[i]][0] if i >= 0 else "?"
            section = symbols[sym_addrs[i]][1] if i >= 0 else None
            name = "%s+0x%x" % (base, s - sym_addrs[i]) if i >= 0 else "fn_%x" % s
        funcs[s] = Function(name, s, section)
    by_name = {}
    for f in funcs.values():
        if f.section != ".plt":
            by_name.setdefault(f.name, f.start)

    def owner(addr):
        i = bisect.bisect_right(starts, addr) - 1
        return starts[i] if i >= 0 else None

    def link(f, target_kind, target):
        if target_kind == "sym":
            if target in by_name:
                f.calls.add(by_name[target])
            else:
                f.externals.add(target)
            return
        t = owner(target)
        if t is None:
            return
        g = funcs[t]
        if g.plt_name:
            # A PLT stub: the symbol its GOT slot names, usually in another
            # shared object.
            if g.plt_name in by_name:
                f.calls.add(by_name[g.plt_name])
            else:
                f.externals.add(g.plt_name)
        elif t != f.start:
            f.calls.add(t)

    for addr, mnem, ops, section in insns:
        f = funcs.get(owner(addr))
        if f is None:
            continue
        if mnem == "ud2":
            f.ud2.append(addr)
            continue
        if mnem.startswith("lea") and "(%rip)" in ops and (follow_taken or is_own(f)):
            # A function whose address is taken here (a closure or callback
            # passed on) may be called indirectly later: follow it too.
            m = RIP_COMMENT_RE.search(ops)
            t = int(m.group(1), 16) if m else None
            if t is not None and t in funcs and funcs[t].section == ".text":
                f.calls.add(t)
                f.taken.add(t)
            continue
        if not (mnem.startswith("call") or mnem.startswith("j")):
            continue
        if ops.startswith("*"):
            m = RIP_COMMENT_RE.search(ops)
            if "(%rip)" in ops and m and int(m.group(1), 16) in slots:
                link(f, *slots[int(m.group(1), 16)])
            elif f.section != ".plt":
                f.indirect.append((addr, mnem + " " + ops))
            continue
        t = direct_target(ops)
        if t is not None:
            link(f, "addr", t)
    return funcs


HINTS = (
    (("String", "_StringGuts", "_print_unlocked", "write<", "Interpolation",
      "description"), "string building: an interpolated message"),
    (("WitnessTable",), "a protocol conformance looked up at run time "
                        "(typed throws, generics, existentials)"),
    (("MangledName", "TypeByMangled", "Metadata"), "type metadata instantiated at run time "
                                                   "(generic type, existential)"),
    (("allocObject", "allocBox", "slowAlloc", "Array", "Buffer"),
     "a heap allocation (Array, class, closure context)"),
    (("assertionFailure", "fatalError", "precondition"),
     "precondition/fatalError/overflow check"),
)


def hint(name):
    for keys, text in HINTS:
        if any(k in name for k in keys):
            return "  (%s)" % text
    return ""


def own_symbols(image):
    """Names of the functions compiled from Sources/ (the Logits and LogitsC
    object files next to the unstripped library), or None if absent."""
    build = os.path.dirname(os.path.abspath(image))
    objs = []
    for target in ("Logits.build", "LogitsC.build"):
        d = os.path.join(build, target)
        if os.path.isdir(d):
            objs += [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".o")]
    if not objs:
        return None
    names = set()
    for line in run(["nm", "--defined-only"] + objs).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            names.add(f[2])
    return names


def demangler():
    swift = shutil.which("swift")
    cxxfilt = shutil.which("c++filt")

    def demangle(names):
        names = list(names)
        out = dict((n, n) for n in names)
        sw = [n for n in names if n.startswith(("$s", "_$s", "$S", "_T0"))]
        cc = [n for n in names if n.startswith("_Z")]
        if swift and sw:
            r = subprocess.run([swift, "demangle", "--simplified"], input="\n".join(sw) + "\n",
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            lines = r.stdout.splitlines()
            if r.returncode == 0 and len(lines) == len(sw):
                out.update(zip(sw, lines))
        if cxxfilt and cc:
            r = subprocess.run([cxxfilt], input="\n".join(cc) + "\n",
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            lines = r.stdout.splitlines()
            if r.returncode == 0 and len(lines) == len(cc):
                out.update(zip(cc, lines))
        return out
    return demangle


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", default="build/lib/liblogits.so")
    ap.add_argument("--symbols", default=".build/release/liblogits.so",
                    help="unstripped copy of --lib, used for function boundaries")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--fail-on", choices=("any", "own"), default="any",
                    help="any (default): fail if an export can reach a ud2 anywhere; "
                         "own: only if it can reach one in Logits' own code (the "
                         "runtime/stdlib sites are still listed)")
    ap.add_argument("--follow-taken", action="store_true",
                    help="treat every code address taken (lea) anywhere as a call; "
                         "by default only in Logits' own code")
    args = ap.parse_args()

    for tool in ("objdump", "nm", "readelf"):
        if not shutil.which(tool):
            print("check_traps: '%s' not found (apt-get install binutils)" % tool)
            return 2
    if not os.path.exists(args.lib):
        print("check_traps: %s not found (make lib)" % args.lib)
        return 2

    image = args.lib
    if not has_function_symbols(args.lib):
        if not os.path.exists(args.symbols):
            print("check_traps: %s is stripped and %s is missing (make lib)"
                  % (args.lib, args.symbols))
            return 2
        a1, t1 = section_bytes(args.lib, ".text")
        a2, t2 = section_bytes(args.symbols, ".text")
        if t1 is None or (a1, t1) != (a2, t2):
            print("check_traps: the .text of %s differs from %s: rebuild (make lib)"
                  % (args.lib, args.symbols))
            return 2
        image = args.symbols

    names = exports(args.lib)
    if not names:
        print("check_traps: no logits_* exports in %s" % args.lib)
        return 2
    insns, symbols = read_instructions(image)
    own = own_symbols(image)

    def is_own(f):
        base = f.name.split("+0x")[0]
        if own is not None:
            return base in own
        return base.startswith(("$s6Logits", "$s7LogitsC", "logits_"))

    funcs = build_graph(insns, symbols, got_map(image), is_own, args.follow_taken)
    by_name = {}
    for f in funcs.values():
        by_name.setdefault(f.name, f.start)
    total_ud2 = sum(len(f.ud2) for f in funcs.values())

    print("check_traps: %s (functions from %s): %d functions, %d ud2 in the library, "
          "%d exports" % (args.lib, image, len(funcs), total_ud2, len(names)))

    # Walk from every export, remembering one parent per function for a path.
    walks = {}
    failed = 0       # exports that can reach a ud2 anywhere
    failed_own = 0   # exports that can reach a ud2 in own code
    width = max(len(n) for n in names)
    print("\n%-*s  %9s  %4s  %4s  %s" % (width, "export", "functions", "ud2", "own",
                                         "unfollowed indirect calls/jumps"))
    for name in names:
        if name not in by_name:
            print("%-*s  not found in the disassembly" % (width, name))
            failed += 1
            failed_own += 1
            continue
        root = by_name[name]
        parent = {root: None}
        queue = collections.deque([root])
        while queue:
            s = queue.popleft()
            for t in sorted(funcs[s].calls):
                if t not in parent:
                    parent[t] = s
                    queue.append(t)
        walks[name] = parent
        ud2 = sum(len(funcs[s].ud2) for s in parent)
        own_ud2 = sum(len(funcs[s].ud2) for s in parent if is_own(funcs[s]))
        indirect = sum(len(funcs[s].indirect) for s in parent)
        print("%-*s  %9d  %4d  %4d  %d" % (width, name, len(parent), ud2, own_ud2, indirect))
        if ud2:
            failed += 1
        if own_ud2:
            failed_own += 1
    print("(ud2: trap instructions in all functions an export can reach; own: those in "
          "Logits' own code, the rest is in the statically linked Swift runtime and "
          "standard library)")

    # Functions reachable from a given one, for closure sizes.
    closure_cache = {}
    def closure(s):
        if s not in closure_cache:
            seen, stack = {s}, [s]
            while stack:
                for t in funcs[stack.pop()].calls:
                    if t not in seen:
                        seen.add(t)
                        stack.append(t)
            closure_cache[s] = seen
        return closure_cache[s]

    def path_to(parent, s):
        path = []
        while s is not None:
            path.append(s)
            s = parent[s]
        return list(reversed(path))

    # 1. Trap sites in own code; 2. calls from own code into the runtime or
    # the standard library that can reach a trap (the places to fix).
    own_sites = collections.OrderedDict()   # function -> exports
    boundary = collections.OrderedDict()    # (caller, callee) -> exports
    for name, parent in walks.items():
        # Own functions reached through own code only (helpers such as
        # __swift_instantiateConcreteTypeFromMangledName are emitted into the
        # Logits objects but may be reached from inside the stdlib too).
        own_reach, stack = {by_name[name]}, [by_name[name]]
        while stack:
            for t in funcs[stack.pop()].calls:
                if t not in own_reach and is_own(funcs[t]):
                    own_reach.add(t)
                    stack.append(t)
        for s in parent:
            f = funcs[s]
            if not is_own(f):
                continue
            if s not in own_reach:
                if f.ud2:
                    own_sites.setdefault(s, set()).add(name)
                continue
            if f.ud2:
                own_sites.setdefault(s, set()).add(name)
            for t in f.calls:
                g = funcs[t]
                if not is_own(g) and any(funcs[u].ud2 for u in closure(t)):
                    boundary.setdefault((s, t), set()).add(name)

    all_names = set()
    for s in own_sites:
        all_names.add(funcs[s].name)
        for name in own_sites[s]:
            all_names.update(funcs[p].name for p in path_to(walks[name], s))
    for (s, t) in boundary:
        all_names.update((funcs[s].name, funcs[t].name))
        for name in boundary[(s, t)]:
            all_names.update(funcs[p].name for p in path_to(walks[name], s))
    unfollowed = set(s for parent in walks.values() for s in parent if funcs[s].indirect)
    all_names.update(funcs[s].name for s in unfollowed)
    dm = demangler()(all_names)

    def exports_line(users):
        users = sorted(users)
        if len(users) > 6:
            return "%d exports (%s, ...)" % (len(users), ", ".join(users[:4]))
        return ", ".join(users)

    if own_sites:
        print("\nud2 in Logits' own code on exported paths (%d function(s)):" % len(own_sites))
        for s, users in own_sites.items():
            f = funcs[s]
            print("\n  %s\n    symbol: %s\n    ud2 at: %s\n    reached from: %s"
                  % (dm[f.name], f.name, ", ".join("%x" % a for a in f.ud2),
                     exports_line(users)))
            print("    path: " + "\n       -> ".join(
                dm[funcs[p].name] for p in path_to(walks[sorted(users)[0]], s)))
    if boundary:
        # Group by caller (demangled, so the f32/f64 specializations of one
        # Swift function share an entry).
        groups = collections.OrderedDict()
        for (c, t), users in sorted(boundary.items(),
                                    key=lambda kv: dm[funcs[kv[0][0]].name]):
            g = groups.setdefault(dm[funcs[c].name], {"callers": set(), "callees": {},
                                                      "users": set()})
            g["callers"].add(c)
            g["callees"].setdefault(dm[funcs[t].name], set()).add(t)
            g["users"] |= users
        print("\nCalls from Logits' own code into the Swift runtime / standard library "
              "that can reach a ud2 (%d caller(s)):" % len(groups))
        for caller, g in groups.items():
            reach = set()
            for ts in g["callees"].values():
                for t in ts:
                    reach |= closure(t)
            sites = [u for u in reach if funcs[u].ud2]
            print("\n  %s   [%d symbol(s): %s]" % (caller, len(g["callers"]), ", ".join(
                sorted(funcs[c].name for c in g["callers"]))))
            for callee in sorted(g["callees"]):
                print("    calls %s%s" % (callee, hint(callee)))
            print("    these can reach %d ud2 in %d runtime/stdlib function(s)"
                  % (sum(len(funcs[u].ud2) for u in sites), len(sites)))
            print("    reached from: %s" % exports_line(g["users"]))
            users = sorted(g["users"])
            c = next(c for c in sorted(g["callers"]) if c in walks[users[0]])
            print("    path: " + " -> ".join(
                dm[funcs[p].name] for p in path_to(walks[users[0]], c)))
            if args.verbose:
                for u in sorted(sites, key=lambda u: funcs[u].name):
                    print("        %3d ud2 in %s" % (len(funcs[u].ud2), funcs[u].name))
    if unfollowed:
        n = sum(len(funcs[s].indirect) for s in unfollowed)
        own_n = sum(len(funcs[s].indirect) for s in unfollowed if is_own(funcs[s]))
        print("\n%d indirect call/jump site(s) in reached functions cannot be followed "
              "(%d in Logits' own code; register/vtable targets, switch jump tables)%s"
              % (n, own_n, ":" if args.verbose else "; --verbose lists them"))
        if args.verbose:
            for s in sorted(unfollowed, key=lambda s: -len(funcs[s].indirect)):
                f = funcs[s]
                print("  %4d in %s" % (len(f.indirect), dm[f.name][:200]))
                for a, insn in f.indirect:
                    print("         %x: %s" % (a, insn))

    summary = ("%d of %d exports can reach a ud2; %d can reach one in Logits' own code"
               % (failed, len(names), failed_own))
    bad = failed_own if args.fail_on == "own" else failed
    if bad:
        print("\ncheck_traps: FAIL: " + summary)
        return 1
    print("\ncheck_traps: OK (--fail-on %s): %s" % (args.fail_on, summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
