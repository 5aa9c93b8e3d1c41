package io.austin.sampler.internal.linux;

import com.sun.jna.Memory;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Cheap per-sample facts about a process from {@code /proc}: its thread ids, whether a thread is on a CPU, and its
 * resident memory. The small files asked about on every pass stay open and are read again from offset 0 with
 * {@code pread} (a {@code /proc} file is generated anew on each read), into preallocated native buffers, so the
 * per-sample methods make one system call and allocate nothing; a thread's file that fails to read (the thread has
 * ended) is closed. At most {@value #MAX_OPEN} threads' files stay open; beyond that, and for paths built once, files
 * are opened, read and closed. Without JNA they fall back to Java I/O.
 *
 * <p>Not thread-safe: the buffers are shared. {@link #close()} frees them.
 */
public final class ProcTasks implements AutoCloseable {
    /** Returned by {@link #state(int)} when the thread's state could not be read (e.g. it has exited). */
    public static final char UNKNOWN_STATE = '?';

    private static final int BUFFER = 256;
    private static final byte[] PROC = ProcPath.SYSTEM.prefix().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TASK = "/task/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STAT = "/stat".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATM = "/statm".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCHEDSTAT = "/schedstat".getBytes(StandardCharsets.US_ASCII);
    private static final long DEFAULT_PAGE_SIZE = 4096;
    /** How many threads' {@code stat} files stay open at most (a process has a file descriptor limit too). */
    static final int MAX_OPEN = 512;

    private final int pid;
    /** Says when the native binding is made (then the native calls are taken), or null: Java I/O or native for good. */
    private BooleanSupplier nativeReady;
    private boolean nativeIo;
    /** The bytes read last, copied here for parsing. */
    private final byte[] bytes = new byte[BUFFER];
    private Memory path;
    private Memory statmPath;
    private Memory statPath;
    private Memory buffer;
    private final ByteBuffer javaBuffer = ByteBuffer.allocate(BUFFER);
    private long pageSize = pageSize();
    private boolean closed;
    /** The open {@code stat} files of threads, by TID. */
    private final FdTable threadStats = new FdTable(MAX_OPEN);
    /** The open {@code schedstat} files of threads, by TID (CPU mode, running threads only). */
    private final FdTable threadSchedstats = new FdTable(MAX_OPEN);
    private int statFd = -1;
    private int statmFd = -1;

    /**
     * Prepares to read about process {@code pid}; does not check that it exists. Reads with Java I/O until the native
     * binding is made (it is not waited for: see {@link NativeBinding}), then with the native calls.
     */
    public ProcTasks(final int pid) {
        this(pid, (BooleanSupplier) NativeBinding::bound);
    }

    /**
     * Java I/O for good ({@code nativeIo} false: the warm-up of that path, tests of the fallback) or the native calls
     * at once (which then wait for the binding).
     */
    public ProcTasks(final int pid, final boolean nativeIo) {
        this(pid, nativeIo ? () -> true : null);
    }

    /** Java I/O until {@code nativeReady} says true (asked before each read), native calls from then on. */
    ProcTasks(final int pid, final BooleanSupplier nativeReady) {
        if (pid <= 0) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        this.pid = pid;
        this.nativeReady = nativeReady;
        nativeIo();
    }

    /** Whether the native calls are taken, switching to them if the binding has just been made. */
    private boolean nativeIo() {
        if (nativeReady != null && nativeReady.getAsBoolean()) {
            nativeReady = null;
            path = new Memory(64);
            statmPath = new Memory(64);
            statPath = new Memory(64);
            buffer = new Memory(BUFFER);
            int at = put(statmPath, 0, PROC);
            at = putInt(statmPath, at, pid);
            at = put(statmPath, at, STATM);
            statmPath.setByte(at, (byte) 0);
            at = put(statPath, 0, PROC);
            at = putInt(statPath, at, pid);
            at = put(statPath, at, STAT);
            statPath.setByte(at, (byte) 0);
            pageSize = pageSize();
            nativeIo = true;
        }
        return nativeIo;
    }

    /** The process these facts are about. */
    public int pid() {
        return pid;
    }

    /**
     * The ids of the process's threads (kernel TIDs), ascending. The main thread's id is the PID.
     *
     * @throws SamplerException NO_SUCH_PROCESS if the process is gone, PERMISSION if the list may not be read
     */
    public int[] threadIds() {
        final Path dir = ProcPath.SYSTEM.of(pid, "task");
        int[] ids = new int[16];
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (final Path entry : entries) {
                final int tid = parseId(entry.getFileName().toString());
                if (tid > 0) {
                    if (n == ids.length) {
                        ids = Arrays.copyOf(ids, n * 2);
                    }
                    ids[n++] = tid;
                }
            }
        } catch (final NoSuchFileException e) {
            throw new SamplerException(Reason.NO_SUCH_PROCESS, "No process with PID " + pid, e);
        } catch (final AccessDeniedException e) {
            throw new SamplerException(Reason.PERMISSION,
                    "Insufficient permissions to list the threads of process " + pid, e);
        } catch (final IOException e) {
            throw new SamplerException(Reason.NO_SUCH_PROCESS, "Cannot list threads of process " + pid + ": "
                    + e.getMessage(), e);
        }
        final int[] out = Arrays.copyOf(ids, n);
        Arrays.sort(out);
        return out;
    }

    /**
     * The scheduler state letter of a thread, from {@code /proc/PID/task/TID/stat}: {@code R} running,
     * {@code S} sleeping, {@code D} disk wait, and so on; {@link #UNKNOWN_STATE} if it could not be read.
     */
    public char state(final int tid) {
        return parseState(bytes, readThread(threadStats, tid, STAT, "stat"));
    }

    /**
     * The CPU time the kernel has counted for a thread, in nanoseconds: the first field of
     * {@code /proc/PID/task/TID/schedstat}. Exact when the thread leaves the CPU; while it keeps running, it moves at
     * the scheduler's ticks (every 4 ms here). -1 if it cannot be read (the thread has ended, or the kernel keeps no
     * scheduler statistics).
     */
    public long cpuNanos(final int tid) {
        return parseFirstField(bytes, readThread(threadSchedstats, tid, SCHEDSTAT, "schedstat"));
    }

    /**
     * Reads a thread's {@code /proc/PID/task/TID/name} into {@link #bytes}: through its file kept open in
     * {@code table} ({@code file} is the name's bytes), or with Java I/O. -1 if it cannot be read.
     */
    private int readThread(final FdTable table, final int tid, final byte[] file, final String name) {
        ensureOpen();
        if (tid <= 0) {
            return -1;
        }
        return nativeIo() ? readThreadFile(table, tid, file) : readJava(ProcPath.SYSTEM.task(pid, tid, name));
    }

    /**
     * Whether the process has gone for good: its {@code /proc/PID/stat} is missing, or says zombie ({@code Z}) or
     * dead ({@code X}). A zombie whose parent has not reaped it still has a {@code /proc} entry and answers
     * {@code kill(pid, 0)}, but it runs no more code and its memory is gone.
     */
    public boolean processGone() {
        ensureOpen();
        final int n;
        if (nativeIo()) {
            if (statFd < 0) {
                statFd = LibC.open(statPath, LibC.O_RDONLY | LibC.O_CLOEXEC);
            }
            n = statFd < 0 ? -1 : pread(statFd);
        } else {
            n = readJava(ProcPath.SYSTEM.of(pid, "stat"));
        }
        if (n <= 0) {
            return true;
        }
        final char state = parseState(bytes, n);
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** True if the thread is on a CPU (state {@code R}); false if idle or unreadable, as Austin counts it. */
    public boolean isRunning(final int tid) {
        return state(tid) == 'R';
    }

    /**
     * The process's resident set size in bytes (second field of {@code /proc/PID/statm} times the page size).
     *
     * @return the RSS, or -1 if it could not be read (the process has exited)
     */
    public long residentBytes() {
        ensureOpen();
        final int n;
        if (nativeIo()) {
            if (statmFd < 0) {
                statmFd = LibC.open(statmPath, LibC.O_RDONLY | LibC.O_CLOEXEC);
            }
            n = statmFd < 0 ? -1 : pread(statmFd);
        } else {
            n = readJava(ProcPath.SYSTEM.of(pid, "statm"));
        }
        final long pages = parseSecondField(bytes, n);
        return pages < 0 ? -1 : pages * pageSize;
    }

    /**
     * The state letter in the text of a {@code stat} file: the first non-blank character after the last
     * {@code ')'}. The command name in parentheses may itself contain {@code ')'} and blanks, hence the last.
     * The name is at most 16 bytes, so the state is always within the first 256 bytes.
     *
     * @return the letter, or {@link #UNKNOWN_STATE}
     */
    static char parseState(final byte[] text, final int length) {
        int close = -1;
        for (int i = Math.min(length, text.length) - 1; i >= 0; i--) {
            if (text[i] == ')') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return UNKNOWN_STATE;
        }
        for (int i = close + 1; i < length; i++) {
            final byte b = text[i];
            if (b != ' ' && b != '\t') {
                return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' ? (char) b : UNKNOWN_STATE;
            }
        }
        return UNKNOWN_STATE;
    }

    /** The first blank-separated decimal field, or -1. */
    static long parseFirstField(final byte[] text, final int length) {
        final int end = Math.min(length, text.length);
        long v = 0;
        int i = 0;
        while (i < end && text[i] >= '0' && text[i] <= '9' && i < 18) {
            v = v * 10 + text[i++] - '0';
        }
        return i == 0 ? -1 : v;
    }

    /** The second blank-separated decimal field, or -1. */
    static long parseSecondField(final byte[] text, final int length) {
        int i = 0;
        final int end = Math.min(length, text.length);
        while (i < end && text[i] != ' ') {
            i++;
        }
        while (i < end && text[i] == ' ') {
            i++;
        }
        long v = 0;
        final int from = i;
        while (i < end && text[i] >= '0' && text[i] <= '9' && i - from < 18) {
            v = v * 10 + text[i++] - '0';
        }
        return i == from ? -1 : v;
    }

    /** A thread's {@code file}, through its open file in {@code table} (opened on first use); -1 if unreadable. */
    private int readThreadFile(final FdTable table, final int tid, final byte[] file) {
        final int cached = table.get(tid);
        if (cached >= 0) {
            final int n = pread(cached);
            if (n > 0) {
                return n;
            }
            // that thread has ended; the id may already name a new thread: open it afresh
            table.remove(tid);
            LibC.close(cached);
        }
        return openThreadFile(table, tid, file);
    }

    private int openThreadFile(final FdTable table, final int tid, final byte[] file) {
        int at = put(path, 0, PROC);
        at = putInt(path, at, pid);
        at = put(path, at, TASK);
        at = putInt(path, at, tid);
        at = put(path, at, file);
        path.setByte(at, (byte) 0);
        if (table.full()) {
            table.sweep(this::stillReadable); // threads that ended since: their files go
            if (table.full()) {
                return readNative(path);
            }
        }
        final int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            return -1;
        }
        final int n = pread(fd);
        if (n <= 0) {
            LibC.close(fd);
        } else {
            table.put(tid, fd);
        }
        return n;
    }

    private boolean stillReadable(final int fd) {
        return LibC.pread(fd, buffer, BUFFER, 0) > 0;
    }

    /** Reads an open {@code /proc} file from its start into {@link #bytes}; -1 on failure. */
    private int pread(final int fd) {
        final long n = LibC.pread(fd, buffer, BUFFER, 0);
        if (n <= 0) {
            return -1;
        }
        buffer.read(0, bytes, 0, (int) n);
        return (int) n;
    }

    private int readNative(final Memory file) {
        final int fd = LibC.open(file, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            return -1;
        }
        final long n = LibC.read(fd, buffer, BUFFER);
        LibC.close(fd);
        if (n <= 0) {
            return -1;
        }
        buffer.read(0, bytes, 0, (int) n);
        return (int) n;
    }

    private int readJava(final Path file) {
        javaBuffer.clear();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final int n = ch.read(javaBuffer);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(javaBuffer.array(), 0, bytes, 0, n);
            return n;
        } catch (final IOException e) {
            return -1;
        }
    }

    private static int put(final Memory m, final int at, final byte[] b) {
        m.write(at, b, 0, b.length);
        return at + b.length;
    }

    /** Writes the decimal digits of a non-negative int without making a String. */
    private static int putInt(final Memory m, final int at, final int value) {
        int digits = 1;
        for (int v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        int v = value;
        for (int i = digits - 1; i >= 0; i--) {
            m.setByte(at + i, (byte) ('0' + v % 10));
            v /= 10;
        }
        return at + digits;
    }

    private static int parseId(final String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + c - '0';
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /**
     * The ids a task has in each PID namespace it belongs to, from the {@code NSpid} line of its {@code status}: the
     * first as seen here, the last as the task sees itself. One entry outside a container.
     *
     * @param tid the task (a process's main thread has the process id)
     * @return the ids, outermost first; empty when they cannot be read
     */
    public long[] namespaceIds(final int tid) {
        final byte[] status;
        try {
            status = Files.readAllBytes(ProcPath.SYSTEM.task(pid, tid, "status"));
        } catch (final IOException e) {
            return new long[0];
        }
        return ProcFields.numbers(status, "NSpid:");
    }

    /** The system's page size in bytes ({@code sysconf(_SC_PAGESIZE)}; 4096 without JNA, or while it is bound). */
    public static long pageSize() {
        if (NativeBinding.bound()) {
            final long size = LibC.sysconf(LibC.SC_PAGESIZE);
            if (size > 0) {
                return size;
            }
        }
        return DEFAULT_PAGE_SIZE;
    }

    /**
     * The machine's physical memory in KiB: {@code sysconf(_SC_PHYS_PAGES)} pages times the page size, or the
     * {@code MemTotal} line of {@code /proc/meminfo} without JNA (or while it is bound); -1 if neither works.
     */
    public static long totalMemoryKiB() {
        if (NativeBinding.bound()) {
            final long pages = LibC.sysconf(LibC.SC_PHYS_PAGES);
            final long size = LibC.sysconf(LibC.SC_PAGESIZE);
            if (pages > 0 && size > 0) {
                return pages * size / 1024;
            }
        }
        return memTotalKiB();
    }

    /** The {@code MemTotal} value of {@code /proc/meminfo} in KiB, or -1. */
    static long memTotalKiB() {
        try {
            final long[] kib = ProcFields.numbers(Files.readAllBytes(ProcPath.SYSTEM.system("meminfo")), "MemTotal:");
            return kib.length > 0 ? kib[0] : -1;
        } catch (final IOException e) {
            return -1;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ProcTasks for PID " + pid + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nativeIo) {
            threadStats.closeAll();
            threadSchedstats.closeAll();
            if (statFd >= 0) {
                LibC.close(statFd);
            }
            if (statmFd >= 0) {
                LibC.close(statmFd);
            }
            path.close();
            statmPath.close();
            statPath.close();
            buffer.close();
        }
    }
}
