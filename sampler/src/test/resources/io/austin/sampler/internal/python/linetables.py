# Dumps real line tables and the interpreter's own answers for them, for LineTablesRealTest.
# Output: "C <firstlineno> <hex table>" per code object, then "L <addrq> <line>" (3.8-3.10) or
# "P <addrq> <line> <end line> <col> <end col>" (3.11+; -1 = none) per instruction offset.
import ctypes
import sys

addr2line = ctypes.pythonapi.PyCode_Addr2Line
addr2line.argtypes = [ctypes.py_object, ctypes.c_int]
addr2line.restype = ctypes.c_int
NEW = sys.version_info >= (3, 11)
out = sys.stdout.write


def codes(code):
    yield code
    for c in code.co_consts:
        if isinstance(c, type(code)):
            yield from codes(c)


def none(v):
    return -1 if v is None else v


for name in sys.argv[1:]:
    path = __import__("importlib.util").util.find_spec(name).origin
    with open(path, "rb") as f:
        top = compile(f.read(), path, "exec")
    for code in codes(top):
        if sys.version_info >= (3, 10):
            table = code.co_linetable
        else:
            table = code.co_lnotab
        out("C %d %s\n" % (code.co_firstlineno, table.hex() or "-"))
        if NEW:
            for i, pos in enumerate(code.co_positions()):
                line = addr2line(code, 2 * i)
                out("P %d %d %d %d %d %d\n" % (2 * i, line, none(pos[0]), none(pos[1]), none(pos[2]), none(pos[3])))
        else:
            for off in range(0, len(code.co_code), 2):
                out("L %d %d\n" % (off, addr2line(code, off)))
