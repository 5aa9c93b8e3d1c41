package io.austin.sampler.internal.python;

import io.austin.sampler.PythonRuntime;
import io.austin.sampler.internal.RemoteMemory;
import io.austin.sampler.internal.linux.Elf;
import io.austin.sampler.internal.linux.ProcMaps;
import io.austin.sampler.internal.linux.ProcPath;
import io.austin.sampler.internal.linux.RemoteElf;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a CPython runtime in a running process: which file defines {@code _PyRuntime}, where it is loaded, the
 * remote address of {@code _PyRuntime} and of a few type objects, and the exact version. It reads
 * {@code /proc/PID/maps}, {@code /proc/PID/exe}, the ELF files (through {@code /proc/PID/root}, so paths resolve
 * in the target's mount namespace) and a few words of the target's memory. Nothing is written to the target.
 *
 * <p>Builds whose object layout differs from the release layout (debug, free-threaded) are refused.
 */
public final class RuntimeLocator {
    private static final String RUNTIME = "_PyRuntime";
    private static final String VERSION = "Py_Version";
    private static final String CODE_TYPE = "PyCode_Type";
    private static final String UNICODE_TYPE = "PyUnicode_Type";
    /** Defined only in builds with reference debugging (Py_DEBUG), whose PyObject header is larger. */
    private static final String[] DEBUG_ONLY = {"_Py_NegativeRefcount", "_Py_RefTotal"};
    private static final String[] SYMBOLS = {RUNTIME, VERSION, CODE_TYPE, UNICODE_TYPE, DEBUG_ONLY[0],
        DEBUG_ONLY[1]};
    private static final byte[] COOKIE = "xdebugpy".getBytes(StandardCharsets.US_ASCII);
    private static final String DELETED = " (deleted)";
    /**
     * Right after a spawn the interpreter is mapped within a few milliseconds and runs its first line soon after:
     * poll every millisecond at first, so that no line goes unsampled, then back off for slow starters (shells,
     * launchers) so that waiting costs little.
     */
    private static final long FIRST_PAUSE_NANOS = 1_000_000L;
    private static final long FAST_POLL_NANOS = 200_000_000L;
    private static final long MAX_PAUSE_NANOS = 20_000_000L;

    private RuntimeLocator() {
    }

    /**
     * Version information taken from a file name such as {@code libpython3.11.so.1.0} or {@code python3.13t}.
     *
     * @param major the major version
     * @param minor the minor version
     * @param abiFlags the letters right after the version: {@code d} debug, {@code t} free-threaded
     */
    record NameVersion(int major, int minor, String abiFlags) {
        boolean debug() {
            return abiFlags.indexOf('d') >= 0;
        }

        boolean freeThreaded() {
            return abiFlags.indexOf('t') >= 0;
        }
    }

    /**
     * Locates the runtime once, with the process as it is now.
     *
     * @param pid the target process
     * @param memory a reader of the target's memory, used for the version words; may be null, and where it cannot
     *        read, the same words are taken from the file's initialized data
     * @throws SamplerException NO_SUCH_PROCESS, PERMISSION, NOT_PYTHON (no runtime found, maybe not loaded yet),
     *         UNKNOWN_VERSION, UNSUPPORTED_VERSION or UNSUPPORTED_BUILD
     */
    public static PythonRuntime locate(final int pid, final RemoteMemory memory) {
        if (pid <= 0 || !Files.isDirectory(procDir(pid))) {
            throw new SamplerException(Reason.NO_SUCH_PROCESS, "No process with PID " + pid);
        }
        final ProcMaps maps = ProcMaps.read(pid);
        final String exe = executable(pid);
        final List<String> candidates = new ArrayList<>();
        for (final String path : maps.firstMappings().keySet()) {
            if (basename(path).contains("libpython")) {
                candidates.add(path);
            }
        }
        if (exe != null && !candidates.contains(exe)) {
            candidates.add(exe);
        }
        final List<String> problems = new ArrayList<>();
        for (final String path : candidates) {
            final PythonRuntime found = inspect(pid, maps, path, exe, memory, problems);
            if (found != null) {
                return found;
            }
        }
        throw new SamplerException(Reason.NOT_PYTHON, "Process " + pid + " (" + (exe == null ? "no executable" : exe)
                + ") is not a Python process: " + (problems.isEmpty() ? "nothing to look in" : String.join("; ",
                        problems)));
    }

    /**
     * Locates the runtime, retrying until it is found or {@code timeout} has passed. Right after {@code exec} the
     * interpreter may not be mapped yet, so "not Python" is retried with fresh maps; the other failures are final.
     *
     * @throws SamplerException as {@link #locate(int, RemoteMemory)}; when time runs out, the last failure
     */
    public static PythonRuntime locate(final int pid, final RemoteMemory memory, final Duration timeout) {
        final long start = System.nanoTime();
        final long budget = timeout.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            try {
                return locate(pid, memory);
            } catch (final SamplerException e) {
                final long elapsed = System.nanoTime() - start;
                if (e.reason() != Reason.NOT_PYTHON || elapsed >= budget) {
                    throw elapsed >= budget && e.reason() == Reason.NOT_PYTHON && budget > 0
                            ? new SamplerException(e.reason(), e.getMessage() + " (waited "
                                    + Duration.ofNanos(elapsed).toMillis() + " ms)", e)
                            : e;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(pause, budget - elapsed) / 1_000_000L));
                } catch (final InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                if (elapsed > FAST_POLL_NANOS) {
                    pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                }
            }
        }
    }

    /** Looks in one file; null (with a note in {@code problems}) if it does not define the runtime. */
    private static PythonRuntime inspect(final int pid, final ProcMaps maps, final String path, final String exe,
            final RemoteMemory memory, final List<String> problems) {
        final Optional<ProcMaps.Mapping> first = maps.firstMapping(path);
        if (first.isEmpty()) {
            problems.add(path + " is not mapped");
            return null;
        }
        Elf elf = null; // null: the file cannot be opened and the symbols come from the process's memory
        Map<String, Long> syms;
        long firstLoadVaddr;
        try {
            elf = Elf.open(openable(pid, first.get(), path, exe));
            // Exported symbols first, found through the hash table; a full scan of .symtab (slow on a big
            // libpython) only for a binary that does not export the runtime.
            syms = new java.util.HashMap<>(elf.dynamicSymbols(SYMBOLS));
            if (!syms.containsKey(RUNTIME)) {
                elf.symbols(RUNTIME, VERSION, CODE_TYPE, UNICODE_TYPE).forEach(syms::putIfAbsent);
            }
            firstLoadVaddr = elf.firstLoadVaddr();
        } catch (final IOException e) {
            // Allowed to read the process but not its files (CAP_SYS_PTRACE only, another user's home folder): the
            // exported symbols are in the mapped dynamic segment too.
            final Optional<RemoteElf> remote = memory == null || first.get().offset() != 0 ? Optional.empty()
                    : RemoteElf.at(memory, first.get().start());
            if (remote.isEmpty()) {
                problems.add("cannot open " + path + " (" + e.getClass().getSimpleName() + ")");
                return null;
            }
            syms = new java.util.HashMap<>(remote.get().dynamicSymbols(SYMBOLS));
            firstLoadVaddr = remote.get().firstLoadVaddr();
        } catch (final SamplerException e) {
            // A corrupt ELF file: this candidate is out, the next one may still be Python.
            problems.add(e.getMessage());
            return null;
        }
        long runtimeVaddr = syms.getOrDefault(RUNTIME, 0L);
        if (runtimeVaddr == 0 && elf != null) {
            final Optional<Elf.Section> section = elf.section(".PyRuntime");
            runtimeVaddr = section.map(Elf.Section::address).orElse(0L);
        }
        if (runtimeVaddr == 0) {
            problems.add("no " + RUNTIME + " symbol or .PyRuntime section in " + path);
            return null;
        }
        final long bias = first.get().start() - firstLoadVaddr;
        final long runtime = bias + runtimeVaddr;
        if (!maps.isMapped(runtime, 8)) {
            // Seen while the loader is still mapping the library's segments.
            problems.add(RUNTIME + " at 0x" + Long.toHexString(runtime) + " is not mapped yet");
            return null;
        }

        final NameVersion fromBinary = versionFromName(basename(path), "libpython");
        final NameVersion fromExe = exe == null ? null : versionFromName(basename(exe), "python");
        final boolean ready = elf != null ? initialised(memory, runtime, elf, runtimeVaddr)
                : initialisedByName(memory, runtime, fromBinary != null ? fromBinary : fromExe);
        if (memory != null && !ready) {
            // Also seen while the loader maps the library: the range is mapped, but not yet from the right offset.
            problems.add(RUNTIME + " at 0x" + Long.toHexString(runtime) + " does not hold its initial data yet");
            return null;
        }

        rejectUnsupportedBuild(pid, path, fromBinary, fromExe, syms);

        long hex = versionFromRuntime(pid, path, readWords(memory, runtime, elf, runtimeVaddr, 3));
        if (hex == 0 && syms.containsKey(VERSION)) {
            final long[] word = readWords(memory, bias + syms.get(VERSION), elf, syms.get(VERSION), 1);
            hex = word != null && plausible(word[0]) ? word[0] : 0;
        }
        final int major;
        final int minor;
        final int micro;
        if (hex != 0) {
            major = (int) (hex >>> 24 & 0xff);
            minor = (int) (hex >>> 16 & 0xff);
            micro = (int) (hex >>> 8 & 0xff);
        } else {
            // The library's name (libpython3.X), else the executable's (python3.X), as in spec section 3.
            final NameVersion byName = fromBinary != null ? fromBinary : fromExe;
            if (byName == null) {
                throw new SamplerException(Reason.UNKNOWN_VERSION, "Found " + RUNTIME + " in " + path
                        + " (process " + pid + ") but cannot tell the Python version");
            }
            major = byName.major();
            minor = byName.minor();
            micro = -1;
        }
        if (!Layouts.supports(major, minor)) {
            throw new SamplerException(Reason.UNSUPPORTED_VERSION, "Process " + pid + " runs Python " + major + "."
                    + minor + (micro >= 0 ? "." + micro : "") + " (" + path + "), which cannot be sampled: the "
                    + "supported versions are CPython " + Layouts.range());
        }
        final long codeType = syms.containsKey(CODE_TYPE) ? bias + syms.get(CODE_TYPE) : 0;
        final long unicodeType = syms.containsKey(UNICODE_TYPE) ? bias + syms.get(UNICODE_TYPE) : 0;
        return new PythonRuntime(pid, major, minor, micro, hex, runtime, codeType, unicodeType, path,
                !path.equals(exe));
    }

    /**
     * Refuses builds whose object layout differs from the release layout: debug builds (a {@code d} ABI flag in
     * the library or executable name, or symbols that only reference-debugging builds define) and free-threaded
     * builds (a {@code t} ABI flag; the debug-offsets block is checked separately).
     *
     * @throws SamplerException UNSUPPORTED_BUILD
     */
    static void rejectUnsupportedBuild(final int pid, final String path, final NameVersion fromBinary,
            final NameVersion fromExe, final Map<String, Long> symbols) {
        if (fromBinary != null && fromBinary.debug() || fromExe != null && fromExe.debug()
                || symbols.containsKey(DEBUG_ONLY[0]) || symbols.containsKey(DEBUG_ONLY[1])) {
            throw new SamplerException(Reason.UNSUPPORTED_BUILD, "Process " + pid + " runs a debug build of Python ("
                    + path + "); its object layout is not supported");
        }
        if (fromBinary != null && fromBinary.freeThreaded() || fromExe != null && fromExe.freeThreaded()) {
            throw freeThreaded(pid, path);
        }
    }

    /**
     * Decodes the start of {@code _PyRuntime}: from 3.13 on it begins with the {@code xdebugpy} cookie, the
     * version word and the free-threaded flag of the debug-offsets block.
     *
     * @param words the first three words of the runtime, or null if they could not be read
     * @return {@code PY_VERSION_HEX}, or 0 if there is no valid cookie
     * @throws SamplerException UNSUPPORTED_BUILD for a free-threaded build
     */
    static long versionFromRuntime(final int pid, final String path, final long[] words) {
        if (words == null || words[0] != cookieWord()) {
            return 0;
        }
        final long hex = words[1];
        if (!plausible(hex) || (hex >>> 16 & 0xff) < 13) {
            return 0;
        }
        if (words[2] != 0) {
            throw freeThreaded(pid, path);
        }
        return hex;
    }

    private static SamplerException freeThreaded(final int pid, final String path) {
        return new SamplerException(Reason.UNSUPPORTED_BUILD, "Process " + pid
                + " runs a free-threaded build of Python (" + path + "); its object layout is not supported");
    }

    private static long cookieWord() {
        return ByteBuffer.wrap(COOKIE).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /**
     * Whether the target's {@code _PyRuntime} starts as the file's initialised data says it must: from 3.13 on the
     * file holds the debug cookie there, and memory that does not is not the runtime yet. True when the file has no
     * cookie there (older versions) or the memory cannot be read (then the file is read instead).
     */
    static boolean initialised(final RemoteMemory memory, final long runtime, final Elf elf,
            final long runtimeVaddr) {
        final Optional<byte[]> fromFile = elf.bytesAt(runtimeVaddr, 8);
        if (fromFile.isEmpty() || ByteBuffer.wrap(fromFile.get()).order(ByteOrder.LITTLE_ENDIAN).getLong(0)
                != cookieWord()) {
            return true;
        }
        final ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        return !memory.read(runtime, word, 0, 8) || word.getLong(0) == cookieWord();
    }

    /**
     * {@link #initialised} without the file: a runtime whose name says 3.13 or later must start with the cookie.
     */
    private static boolean initialisedByName(final RemoteMemory memory, final long runtime, final NameVersion name) {
        if (memory == null || name == null || name.major() != 3 || name.minor() < 13) {
            return true;
        }
        final ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        return memory.read(runtime, word, 0, 8) && word.getLong(0) == cookieWord();
    }

    /** A {@code PY_VERSION_HEX} of Python 3 with a known release level (alpha, beta, candidate, final). */
    public static boolean plausible(final long hex) {
        final long level = hex >>> 4 & 0xf;
        return hex >>> 24 == 3 && (level >= 0xa && level <= 0xc || level == 0xf);
    }

    /**
     * Reads little-endian words from the target, or from the file's initialized data when the target cannot be
     * read there; null if neither works.
     */
    private static long[] readWords(final RemoteMemory memory, final long address, final Elf elf, final long vaddr,
            final int count) {
        final byte[] bytes = new byte[count * 8];
        final ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (memory == null || !memory.read(address, buf, 0, bytes.length)) {
            final Optional<byte[]> fromFile = elf == null ? Optional.empty() : elf.bytesAt(vaddr, bytes.length);
            if (fromFile.isEmpty()) {
                return null;
            }
            buf.put(0, fromFile.get(), 0, bytes.length);
        }
        final long[] words = new long[count];
        for (int i = 0; i < count; i++) {
            words[i] = buf.getLong(i * 8);
        }
        return words;
    }

    /**
     * Parses {@code <prefix>X.Y<flags>} in a file name, e.g. {@code libpython3.11.so.1.0} or {@code python3.13td}.
     *
     * @return the version and ABI flag letters, or null if the name has no such part
     */
    static NameVersion versionFromName(final String name, final String prefix) {
        int from = 0;
        while (true) {
            final int at = name.indexOf(prefix, from);
            if (at < 0) {
                return null;
            }
            final NameVersion v = versionAt(name, at + prefix.length());
            if (v != null) {
                return v;
            }
            from = at + 1;
        }
    }

    private static NameVersion versionAt(final String name, final int from) {
        int p = from;
        int major = 0;
        while (p < name.length() && isDigit(name.charAt(p)) && p - from < 3) {
            major = major * 10 + name.charAt(p++) - '0';
        }
        if (p == from || p >= name.length() || name.charAt(p) != '.') {
            return null;
        }
        final int minorFrom = ++p;
        int minor = 0;
        while (p < name.length() && isDigit(name.charAt(p)) && p - minorFrom < 3) {
            minor = minor * 10 + name.charAt(p++) - '0';
        }
        if (p == minorFrom) {
            return null;
        }
        final int flagsFrom = p;
        while (p < name.length() && name.charAt(p) >= 'a' && name.charAt(p) <= 'z') {
            p++;
        }
        return new NameVersion(major, minor, name.substring(flagsFrom, p));
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }

    /** The target's executable as it sees it, without {@code " (deleted)"}; null for kernel threads. */
    private static String executable(final int pid) {
        try {
            final String target = Files.readSymbolicLink(procDir(pid).resolve("exe")).toString();
            return target.endsWith(DELETED) ? target.substring(0, target.length() - DELETED.length()) : target;
        } catch (final AccessDeniedException e) {
            throw new SamplerException(Reason.PERMISSION,
                    "Insufficient permissions to read the executable of process " + pid, e);
        } catch (final NoSuchFileException e) {
            if (!Files.isDirectory(procDir(pid))) {
                throw new SamplerException(Reason.NO_SUCH_PROCESS, "No process with PID " + pid, e);
            }
            return null;
        } catch (final IOException e) {
            return null;
        }
    }

    /**
     * Where to open a mapped file: through {@code /proc/PID/root} so the path resolves in the target's mount
     * namespace; a deleted file (upgraded or removed while running) is still reachable through
     * {@code /proc/PID/exe} or the mapping's {@code /proc/PID/map_files} entry.
     */
    static Path openable(final int pid, final ProcMaps.Mapping mapping, final String path, final String exe) {
        if (!mapping.deleted()) {
            return Path.of(procDir(pid).toString(), "root", path);
        }
        if (path.equals(exe)) {
            return procDir(pid).resolve("exe");
        }
        return procDir(pid).resolve("map_files")
                .resolve(Long.toHexString(mapping.start()) + "-" + Long.toHexString(mapping.end()));
    }

    private static Path procDir(final int pid) {
        return ProcPath.SYSTEM.process(pid);
    }

    private static String basename(final String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
