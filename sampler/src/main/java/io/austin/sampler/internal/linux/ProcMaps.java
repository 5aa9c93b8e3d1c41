package io.austin.sampler.internal.linux;

import io.austin.sampler.SamplerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed snapshot of {@code /proc/PID/maps}: the target's memory mappings in address order.
 *
 * <p>The snapshot goes stale as the target maps and unmaps memory; take a new one when needed. {@link #isMapped}
 * is allocation-free and meant for checking pointers before following them.
 */
public final class ProcMaps {
    private static final byte[] DELETED = " (deleted)".getBytes(StandardCharsets.US_ASCII);
    /** By start address, unsigned. A class, not {@code Comparator.comparing}: its lambdas are linked at every start. */
    private static final Comparator<Mapping> BY_START = new Comparator<>() {
        @Override
        public int compare(final Mapping a, final Mapping b) {
            return Long.compareUnsigned(a.start(), b.start());
        }
    };

    /**
     * One line of the maps file.
     *
     * @param start first address
     * @param end address just past the mapping
     * @param perms the four permission letters, e.g. {@code "r-xp"}
     * @param offset the file offset mapped at {@code start}
     * @param path the file path without a {@code " (deleted)"} suffix, a pseudo name such as {@code "[heap]"},
     *        or empty for anonymous memory
     * @param deleted true if the kernel marked the file as deleted
     */
    public record Mapping(long start, long end, String perms, long offset, String path, boolean deleted) {
        /** True if the mapping may be read. */
        public boolean readable() {
            return !perms.isEmpty() && perms.charAt(0) == 'r';
        }

        /** True if the mapping is backed by a file (its path is absolute). */
        public boolean isFile() {
            return path.startsWith("/");
        }

        /** True if {@code address} lies inside the mapping. */
        public boolean contains(final long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }
    }

    private final List<Mapping> mappings;
    /** Readable memory as sorted, merged, disjoint intervals: [starts[i], ends[i]). */
    private final long[] starts;
    private final long[] ends;

    private ProcMaps(final List<Mapping> mappings) {
        final List<Mapping> sorted = new ArrayList<>(mappings);
        sorted.sort(BY_START);
        this.mappings = Collections.unmodifiableList(sorted);
        final long[] s = new long[sorted.size()];
        final long[] e = new long[sorted.size()];
        int n = 0;
        for (final Mapping m : sorted) {
            if (!m.readable()) {
                continue;
            }
            // Adjacent readable mappings (e.g. a library's segments) merge, so a range may straddle them.
            if (n > 0 && Long.compareUnsigned(m.start(), e[n - 1]) <= 0) {
                if (Long.compareUnsigned(m.end(), e[n - 1]) > 0) {
                    e[n - 1] = m.end();
                }
            } else {
                s[n] = m.start();
                e[n] = m.end();
                n++;
            }
        }
        this.starts = Arrays.copyOf(s, n);
        this.ends = Arrays.copyOf(e, n);
    }

    /**
     * Reads and parses {@code /proc/PID/maps}.
     *
     * @throws SamplerException NO_SUCH_PROCESS if the process is gone, PERMISSION if the file may not be read
     */
    public static ProcMaps read(final int pid) {
        final Path file = ProcPath.SYSTEM.of(pid, "maps");
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (final NoSuchFileException e) {
            throw new SamplerException(SamplerException.Reason.NO_SUCH_PROCESS, "No process with PID " + pid, e);
        } catch (final AccessDeniedException e) {
            throw new SamplerException(SamplerException.Reason.PERMISSION,
                    "Insufficient permissions to read the memory map of process " + pid
                            + " (need root or CAP_SYS_PTRACE)",
                    e);
        } catch (final IOException e) {
            // ESRCH surfaces as a generic IOException when the process exits while the file is read.
            if (!Files.isDirectory(ProcPath.SYSTEM.process(pid))) {
                throw new SamplerException(SamplerException.Reason.NO_SUCH_PROCESS, "No process with PID " + pid, e);
            }
            throw new SamplerException(SamplerException.Reason.CANNOT_ATTACH,
                    "Cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes);
    }

    /**
     * Parses the text of a maps file. Lines that do not have the maps format are skipped.
     */
    public static ProcMaps parse(final CharSequence text) {
        return parse(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses the bytes of a maps file. Bytes, not a string: an attach reads the maps of a program that has just
     * started while the JVM's code is still interpreted, where every {@code charAt} and {@code Character.digit} is
     * a call; here a character is an array access. Paths are decoded as UTF-8 (the names are bytes on Linux; UTF-8
     * covers the usual ones and never throws on odd ones).
     */
    static ProcMaps parse(final byte[] text) {
        final List<Mapping> out = new ArrayList<>();
        int lineStart = 0;
        while (lineStart < text.length) {
            int lineEnd = indexOf(text, '\n', lineStart, text.length);
            if (lineEnd < 0) {
                lineEnd = text.length;
            }
            final Mapping m = parseLine(text, lineStart, lineEnd);
            if (m != null) {
                out.add(m);
            }
            lineStart = lineEnd + 1;
        }
        return new ProcMaps(out);
    }

    /** Parses {@code start-end perms offset dev inode [path]}; null if malformed. */
    static Mapping parseLine(final byte[] s, final int from, final int to) {
        final int dash = indexOf(s, '-', from, to);
        final int sp1 = dash < 0 ? -1 : indexOf(s, ' ', dash + 1, to);
        final int sp2 = sp1 < 0 ? -1 : indexOf(s, ' ', sp1 + 1, to);
        final int sp3 = sp2 < 0 ? -1 : indexOf(s, ' ', sp2 + 1, to);
        final int sp4 = sp3 < 0 ? -1 : indexOf(s, ' ', sp3 + 1, to);
        if (sp4 < 0) {
            return null;
        }
        final long start = parseHex(s, from, dash);
        final long end = parseHex(s, dash + 1, sp1);
        final long offset = parseHex(s, sp2 + 1, sp3);
        if (start == -1 || end == -1 || offset == -1 || sp2 - sp1 - 1 != 4) {
            return null;
        }
        // Skip the inode, then the padding; what remains (spaces included) is the path.
        int p = indexOf(s, ' ', sp4 + 1, to);
        if (p < 0) {
            p = to;
        }
        while (p < to && s[p] == ' ') {
            p++;
        }
        int pathEnd = to;
        boolean deleted = false;
        if (p < to && s[p] == '/' && endsWith(s, p, to, DELETED)) {
            pathEnd = to - DELETED.length;
            deleted = true;
        }
        return new Mapping(start, end, new String(s, sp1 + 1, 4, StandardCharsets.ISO_8859_1), offset,
                new String(s, p, pathEnd - p, StandardCharsets.UTF_8), deleted);
    }

    private static int indexOf(final byte[] s, final char c, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean endsWith(final byte[] s, final int from, final int to, final byte[] suffix) {
        if (to - from < suffix.length) {
            return false;
        }
        for (int i = 0, j = to - suffix.length; i < suffix.length; i++, j++) {
            if (s[j] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses 1 to 16 hex digits; -1 on anything else (no valid address in maps is all ones). */
    private static long parseHex(final byte[] s, final int from, final int to) {
        if (to <= from || to - from > 16) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            final int c = s[i];
            final int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** All mappings in ascending address order. */
    public List<Mapping> mappings() {
        return mappings;
    }

    /** The lowest-address mapping of a file (it normally covers file offset 0 and the ELF header). */
    public Optional<Mapping> firstMapping(final String path) {
        for (final Mapping m : mappings) {
            if (m.isFile() && m.path().equals(path)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Every mapped file's lowest-address mapping, keyed by path, in ascending address order. */
    public Map<String, Mapping> firstMappings() {
        final Map<String, Mapping> out = new LinkedHashMap<>();
        for (final Mapping m : mappings) {
            if (m.isFile()) {
                out.putIfAbsent(m.path(), m);
            }
        }
        return out;
    }

    /** The mapping containing {@code address}, if any. */
    public Optional<Mapping> find(final long address) {
        for (final Mapping m : mappings) {
            if (m.contains(address)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * True if every byte of {@code [address, address + length)} lies in readable memory (adjacent readable
     * mappings count as one). A zero length asks about {@code address} alone. Allocation-free.
     */
    public boolean isMapped(final long address, final long length) {
        if (length < 0) {
            return false;
        }
        final long last = address + Math.max(length, 1) - 1;
        if (Long.compareUnsigned(last, address) < 0) {
            return false;
        }
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(address, starts[mid]) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(address, ends[mid]) >= 0) {
                lo = mid + 1;
            } else {
                return Long.compareUnsigned(last, ends[mid]) < 0;
            }
        }
        return false;
    }
}
