package io.austin.sampler.internal.linux;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The exported symbols of an ELF object, read from the memory of the process that loaded it rather than from its
 * file: the ELF header, the program headers and the dynamic segment's symbol, string and hash tables are all mapped.
 * For a profiler that may read the process (ptrace access, {@code CAP_SYS_PTRACE}) but not the file (another user's
 * home folder, a file system it cannot reach).
 *
 * <p>Every read is bounded and checked: a table that does not make sense gives no symbols, never an exception other
 * than an empty result.
 */
public final class RemoteElf {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long DT_NULL = 0;
    private static final long DT_HASH = 4;
    private static final long DT_STRTAB = 5;
    private static final long DT_SYMTAB = 6;
    private static final long DT_STRSZ = 10;
    private static final long DT_GNU_HASH = 0x6ffffef5L;
    private static final int SYM_SIZE = 24;
    /** Longest chain walked and largest table entry count believed: far above any real library's. */
    private static final int MAX_CHAIN = 1 << 16;
    private static final int MAX_DYNAMIC = 512;

    private final RemoteMemory memory;
    private final long bias;
    private final long firstLoadVaddr;
    private long strtab;
    private long strsz;
    private long symtab;
    private long gnuHash;
    private long sysvHash;

    private RemoteElf(final RemoteMemory memory, final long bias, final long firstLoadVaddr) {
        this.memory = memory;
        this.bias = bias;
        this.firstLoadVaddr = firstLoadVaddr;
    }

    /**
     * Reads the object whose first mapping (file offset 0, which holds the ELF header) starts at {@code base}.
     *
     * @return empty when the memory there is not a little-endian 64-bit ELF object with a dynamic segment
     */
    public static Optional<RemoteElf> at(final RemoteMemory memory, final long base) {
        final ByteBuffer header = read(memory, base, 64);
        if (header == null || header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
            return Optional.empty();
        }
        final long phoff = header.getLong(0x20);
        final int phentsize = header.getShort(0x36) & 0xffff;
        final int phnum = header.getShort(0x38) & 0xffff;
        if (phentsize < 56 || phnum == 0 || phnum > 256 || phoff <= 0 || phoff > 1 << 20) {
            return Optional.empty();
        }
        final ByteBuffer phs = read(memory, base + phoff, phentsize * phnum);
        if (phs == null) {
            return Optional.empty();
        }
        long firstLoad = -1;
        long dynamicVaddr = -1;
        long dynamicSize = 0;
        for (int i = 0; i < phnum; i++) {
            final int at = i * phentsize;
            final int type = phs.getInt(at);
            final long vaddr = phs.getLong(at + 0x10);
            if (type == PT_LOAD && firstLoad < 0) {
                final long align = phs.getLong(at + 0x30);
                firstLoad = align > 1 && Long.bitCount(align) == 1 ? vaddr & -align : vaddr;
            } else if (type == PT_DYNAMIC) {
                dynamicVaddr = vaddr;
                dynamicSize = phs.getLong(at + 0x28);
            }
        }
        if (firstLoad < 0 || dynamicVaddr < 0) {
            return Optional.empty();
        }
        final RemoteElf elf = new RemoteElf(memory, base - firstLoad, firstLoad);
        final int entries = (int) Math.min(MAX_DYNAMIC, Math.max(0, dynamicSize / 16));
        final ByteBuffer dyn = read(memory, elf.bias + dynamicVaddr, entries * 16);
        if (dyn == null) {
            return Optional.empty();
        }
        for (int i = 0; i < entries; i++) {
            final long tag = dyn.getLong(i * 16);
            final long value = dyn.getLong(i * 16 + 8);
            if (tag == DT_NULL) {
                break;
            }
            if (tag == DT_STRTAB) {
                elf.strtab = elf.address(value);
            } else if (tag == DT_SYMTAB) {
                elf.symtab = elf.address(value);
            } else if (tag == DT_STRSZ) {
                elf.strsz = value;
            } else if (tag == DT_GNU_HASH) {
                elf.gnuHash = elf.address(value);
            } else if (tag == DT_HASH) {
                elf.sysvHash = elf.address(value);
            }
        }
        if (elf.strtab == 0 || elf.symtab == 0 || elf.gnuHash == 0 && elf.sysvHash == 0) {
            return Optional.empty();
        }
        return Optional.of(elf);
    }

    /**
     * A dynamic-table address: glibc's loader rewrites these in place to run-time addresses, other loaders leave the
     * link-time ones; a value below the object's own base is a link-time one.
     */
    private long address(final long value) {
        return value >= bias + firstLoadVaddr || bias == 0 ? value : bias + value;
    }

    /** The link-time address of the lowest mapping, as {@link Elf#firstLoadVaddr()}. */
    public long firstLoadVaddr() {
        return firstLoadVaddr;
    }

    /** Link-time addresses ({@code st_value}) of the defined exported symbols among {@code names}. */
    public Map<String, Long> dynamicSymbols(final String... names) {
        final Map<String, Long> found = new HashMap<>();
        for (final String name : names) {
            final long value = gnuHash != 0 ? lookupGnu(name) : lookupSysv(name);
            if (value != 0) {
                found.put(name, value);
            }
        }
        return found;
    }

    private long lookupGnu(final String name) {
        final ByteBuffer head = read(memory, gnuHash, 16);
        if (head == null) {
            return 0;
        }
        final int nbuckets = head.getInt(0);
        final int symoffset = head.getInt(4);
        final int bloomSize = head.getInt(8);
        if (nbuckets <= 0 || nbuckets > MAX_CHAIN * 16 || bloomSize < 0 || bloomSize > MAX_CHAIN * 16) {
            return 0;
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final int h = (int) Elf.gnuHash(bytes);
        final long buckets = gnuHash + 16 + 8L * bloomSize;
        final ByteBuffer bucket = read(memory, buckets + 4L * Integer.remainderUnsigned(h, nbuckets), 4);
        if (bucket == null) {
            return 0;
        }
        int index = bucket.getInt(0);
        if (index == 0 || index < symoffset) {
            return 0;
        }
        final long chains = buckets + 4L * nbuckets;
        for (int steps = 0; steps < MAX_CHAIN; steps++, index++) {
            final ByteBuffer chain = read(memory, chains + 4L * (index - symoffset), 4);
            if (chain == null) {
                return 0;
            }
            final int hash = chain.getInt(0);
            if ((hash | 1) == (h | 1)) {
                final long value = symbolIfNamed(index, bytes);
                if (value != 0) {
                    return value;
                }
            }
            if ((hash & 1) != 0) {
                return 0; // end of the chain
            }
        }
        return 0;
    }

    private long lookupSysv(final String name) {
        final ByteBuffer head = read(memory, sysvHash, 8);
        if (head == null) {
            return 0;
        }
        final int nbucket = head.getInt(0);
        final int nchain = head.getInt(4);
        if (nbucket <= 0 || nchain <= 0 || nbucket > MAX_CHAIN * 16 || nchain > MAX_CHAIN * 16) {
            return 0;
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        long h = 0;
        for (final byte b : bytes) {
            h = (h << 4) + (b & 0xff);
            final long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g & 0xffffffffL;
        }
        final ByteBuffer bucket = read(memory, sysvHash + 8 + 4L * (h % nbucket), 4);
        if (bucket == null) {
            return 0;
        }
        int index = bucket.getInt(0);
        final long chains = sysvHash + 8 + 4L * nbucket;
        for (int steps = 0; steps < MAX_CHAIN && index > 0 && index < nchain; steps++) {
            final long value = symbolIfNamed(index, bytes);
            if (value != 0) {
                return value;
            }
            final ByteBuffer next = read(memory, chains + 4L * index, 4);
            if (next == null) {
                return 0;
            }
            index = next.getInt(0);
        }
        return 0;
    }

    /** The value of symbol {@code index} if it is defined and named {@code name}, else 0. */
    private long symbolIfNamed(final int index, final byte[] name) {
        final ByteBuffer sym = read(memory, symtab + (long) SYM_SIZE * index, SYM_SIZE);
        if (sym == null) {
            return 0;
        }
        final long nameOffset = sym.getInt(0) & 0xffffffffL;
        final int shndx = sym.getShort(6) & 0xffff;
        final long value = sym.getLong(8);
        if (shndx == 0 || value == 0 || strsz > 0 && nameOffset + name.length >= strsz) {
            return 0;
        }
        final ByteBuffer text = read(memory, strtab + nameOffset, name.length + 1);
        if (text == null || text.get(name.length) != 0) {
            return 0;
        }
        for (int i = 0; i < name.length; i++) {
            if (text.get(i) != name[i]) {
                return 0;
            }
        }
        return value;
    }

    private static ByteBuffer read(final RemoteMemory memory, final long address, final int length) {
        if (address <= 0 || length <= 0) {
            return null;
        }
        final ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        return memory.read(address, buf, 0, length) ? buf : null;
    }
}
