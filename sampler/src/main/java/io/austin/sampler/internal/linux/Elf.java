package io.austin.sampler.internal.linux;

import io.austin.sampler.SamplerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A small reader of ELF64 little-endian files, just enough to find CPython's globals: the file type, program and
 * section headers, symbols of {@code .dynsym}/{@code .symtab}, and initialized bytes at a virtual address.
 *
 * <p>The file is memory-mapped read-only. Every offset taken from the file is checked against its size, so a
 * truncated or corrupt file fails with a {@link SamplerException} ({@code NOT_PYTHON}) that names the problem,
 * never with an index exception.
 */
public final class Elf {
    private static final long MAX_SECTION_NAMES = 16L << 20;
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int PT_LOAD = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_STRTAB = 3;
    static final int SHT_NOBITS = 8;
    static final int SHT_DYNSYM = 11;
    static final int SHT_GNU_HASH = 0x6ffffff6;

    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int SHN_UNDEF = 0;
    private static final int SHN_XINDEX = 0xffff;

    /**
     * A program header.
     *
     * @param type {@code p_type}
     * @param offset {@code p_offset}
     * @param vaddr {@code p_vaddr}
     * @param fileSize {@code p_filesz}
     * @param memSize {@code p_memsz}
     * @param align {@code p_align}
     */
    record ProgramHeader(int type, long offset, long vaddr, long fileSize, long memSize, long align) {
    }

    /**
     * A section header with its name resolved.
     *
     * @param name the name from the section-name string table
     * @param type {@code sh_type}
     * @param address {@code sh_addr}
     * @param offset {@code sh_offset}
     * @param size {@code sh_size}
     * @param link {@code sh_link}
     * @param entrySize {@code sh_entsize}
     */
    public record Section(String name, int type, long address, long offset, long size, int link, long entrySize) {
    }

    private final String name;
    private final ByteBuffer data;
    private final long size;
    private final int type;
    private final List<ProgramHeader> programHeaders;
    private final List<Section> sections;

    private Elf(final String name, final ByteBuffer data) {
        this.name = name;
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
        this.size = data.capacity();
        if (size < EHDR_SIZE) {
            throw corrupt("file is " + size + " bytes, shorter than an ELF header");
        }
        if (u8(0) != 0x7f || u8(1) != 'E' || u8(2) != 'L' || u8(3) != 'F') {
            throw corrupt("no ELF magic");
        }
        if (u8(4) != 2) {
            throw corrupt("not a 64-bit ELF file (class " + u8(4) + ")");
        }
        if (u8(5) != 1) {
            throw corrupt("not a little-endian ELF file (data encoding " + u8(5) + ")");
        }
        this.type = u16(16);
        this.programHeaders = readProgramHeaders();
        this.sections = readSections();
    }

    /**
     * Maps and validates an ELF file.
     *
     * @throws IOException if the file cannot be opened or mapped
     * @throws SamplerException NOT_PYTHON if the file is not a valid ELF64 little-endian file
     */
    public static Elf open(final Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long length = ch.size();
            if (length > Integer.MAX_VALUE) {
                throw new SamplerException(SamplerException.Reason.NOT_PYTHON,
                        "Not a readable ELF file: " + file + ": larger than 2 GiB");
            }
            // The mapping outlives the channel; the garbage collector unmaps it.
            return new Elf(file.toString(), ch.map(FileChannel.MapMode.READ_ONLY, 0, length));
        }
    }

    /** Wraps bytes already in memory (tests, or files read another way). */
    static Elf of(final String name, final byte[] bytes) {
        return new Elf(name, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }

    /** {@code e_type}: {@link #ET_EXEC}, {@link #ET_DYN}, or another value. */
    int type() {
        return type;
    }

    List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    List<Section> sections() {
        return sections;
    }

    /** The first {@code PT_LOAD} header in table order. */
    Optional<ProgramHeader> firstLoad() {
        for (final ProgramHeader ph : programHeaders) {
            if (ph.type() == PT_LOAD) {
                return Optional.of(ph);
            }
        }
        return Optional.empty();
    }

    /**
     * The first {@code PT_LOAD}'s {@code p_vaddr} rounded down to its {@code p_align}: the link-time address of
     * the lowest mapping, from which the load bias is computed.
     */
    public long firstLoadVaddr() {
        final ProgramHeader ph = firstLoad().orElseThrow(() -> corrupt("no PT_LOAD program header"));
        final long align = ph.align();
        // p_align is a power of two (or 0/1 for "none"); anything else is not trusted for rounding.
        return align > 1 && Long.bitCount(align) == 1 ? ph.vaddr() & -align : ph.vaddr();
    }

    /** The first section with this name. */
    public Optional<Section> section(final String sectionName) {
        for (final Section s : sections) {
            if (s.name().equals(sectionName)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The value of a defined symbol, looked up in {@code .dynsym} first, then {@code .symtab}. */
    OptionalLong symbol(final String symbolName) {
        final Long v = symbols(symbolName).get(symbolName);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /**
     * Looks up several defined symbols, {@code .dynsym} first (through its GNU hash table when there is one, so a
     * lookup costs a few probes instead of a scan), then {@code .symtab} for the names still missing. Undefined
     * entries (imports) are ignored.
     *
     * @return the values found, keyed by name; names not found are absent
     */
    public Map<String, Long> symbols(final String... names) {
        final Map<String, Long> found = dynamicSymbols(names);
        if (found.size() < names.length) {
            scanTables(SHT_SYMTAB, names, found);
        }
        return found;
    }

    /** Like {@link #symbols}, but only in {@code .dynsym}: the exported symbols, found without a full scan. */
    public Map<String, Long> dynamicSymbols(final String... names) {
        final Map<String, Long> found = new HashMap<>();
        final Optional<Section> hash = sectionOfType(SHT_GNU_HASH);
        if (hash.isPresent() && hash.get().link() > 0 && hash.get().link() < sections.size()
                && sections.get(hash.get().link()).type() == SHT_DYNSYM) {
            for (final String n : names) {
                final long value = gnuLookup(hash.get(), sections.get(hash.get().link()), n);
                if (value != 0) {
                    found.put(n, value);
                }
            }
        } else {
            scanTables(SHT_DYNSYM, names, found);
        }
        return found;
    }

    private Optional<Section> sectionOfType(final int sectionType) {
        for (final Section s : sections) {
            if (s.type() == sectionType) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private void scanTables(final int tableType, final String[] names, final Map<String, Long> found) {
        final byte[][] wanted = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            wanted[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
        for (final Section table : sections) {
            if (table.type() == tableType && found.size() < names.length) {
                scanSymbols(table, names, wanted, found);
            }
        }
    }

    /** The GNU hash of a symbol name (32 bits, unsigned), as the loader computes it. */
    static long gnuHash(final byte[] name) {
        long h = 5381;
        for (final byte b : name) {
            h = (h * 33 + (b & 0xff)) & 0xffffffffL;
        }
        return h;
    }

    /**
     * One name through the GNU hash table of {@code dynsym}: the bucket of the name's hash gives the first symbol
     * of its chain, and the chain's hashes (low bit set on the last) are compared before any name is.
     *
     * @return the symbol's value, or 0 when it is not defined there
     */
    private long gnuLookup(final Section hash, final Section dynsym, final String symbolName) {
        checkRange(hash.offset(), hash.size(), "section .gnu.hash");
        if (hash.size() < 16) {
            throw corrupt(".gnu.hash is " + hash.size() + " bytes");
        }
        final long base = hash.offset();
        final long nbuckets = u32(base);
        final long symoffset = u32(base + 4);
        final long bloomSize = u32(base + 8);
        final long bucketsAt = base + 16 + bloomSize * 8;
        final long chainAt = bucketsAt + nbuckets * 4;
        final long end = base + hash.size();
        if (nbuckets == 0 || bloomSize > hash.size() || chainAt > end) {
            throw corrupt(".gnu.hash header does not fit its section");
        }
        final Section strtab = stringTableOf(dynsym);
        final long entry = dynsym.entrySize() == 0 ? SYM_SIZE : dynsym.entrySize();
        final long symbolCount = dynsym.size() / entry;
        final byte[] want = symbolName.getBytes(StandardCharsets.UTF_8);
        final long h = gnuHash(want);
        long index = u32(bucketsAt + (h % nbuckets) * 4);
        if (index < symoffset) {
            return 0;
        }
        for (long steps = 0; steps < symbolCount; steps++, index++) {
            final long chainEntry = chainAt + (index - symoffset) * 4;
            if (index >= symbolCount || chainEntry + 4 > end) {
                return 0;
            }
            final long h2 = u32(chainEntry);
            if ((h2 | 1) == (h | 1)) {
                final long at = dynsym.offset() + index * entry;
                final long nameIndex = u32(at);
                if (u16(at + 6) != SHN_UNDEF && nameIndex < strtab.size()
                        && nameEquals(strtab.offset() + nameIndex, strtab.offset() + strtab.size(), want)) {
                    return u64(at + 8);
                }
            }
            if ((h2 & 1) != 0) {
                return 0;
            }
        }
        return 0;
    }

    private Section stringTableOf(final Section table) {
        if (table.link() <= 0 || table.link() >= sections.size()) {
            throw corrupt("symbol table " + table.name() + " links to missing string table " + table.link());
        }
        final Section strtab = sections.get(table.link());
        if (strtab.type() != SHT_STRTAB) {
            throw corrupt("symbol table " + table.name() + " links to a section that is not a string table");
        }
        checkRange(strtab.offset(), strtab.size(), "string table " + strtab.name());
        return strtab;
    }

    /** One defined name by a scan of one table (tests compare it with the hash lookup). */
    OptionalLong scanAll(final Section table, final String symbolName) {
        final Map<String, Long> found = new HashMap<>();
        scanSymbols(table, new String[] {symbolName}, new byte[][] {symbolName.getBytes(StandardCharsets.UTF_8)},
                found);
        final Long v = found.get(symbolName);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private void scanSymbols(final Section table, final String[] names, final byte[][] wanted,
            final Map<String, Long> found) {
        final Section strtab = stringTableOf(table);
        final long entry = table.entrySize() == 0 ? SYM_SIZE : table.entrySize();
        if (entry < SYM_SIZE) {
            throw corrupt("symbol table " + table.name() + " has entries of " + entry + " bytes");
        }
        checkRange(table.offset(), table.size(), "symbol table " + table.name());
        final long count = table.size() / entry;
        for (long i = 0; i < count && found.size() < names.length; i++) {
            final long at = table.offset() + i * entry;
            final int shndx = u16(at + 6);
            if (shndx == SHN_UNDEF) {
                continue;
            }
            final long nameIndex = u32(at);
            if (nameIndex == 0 || nameIndex >= strtab.size()) {
                continue;
            }
            final long nameAt = strtab.offset() + nameIndex;
            final long nameLimit = strtab.offset() + strtab.size();
            for (int w = 0; w < wanted.length; w++) {
                if (!found.containsKey(names[w]) && nameEquals(nameAt, nameLimit, wanted[w])) {
                    found.put(names[w], u64(at + 8));
                }
            }
        }
    }

    /** True if the NUL-terminated string at {@code at} (bounded by {@code limit}) equals {@code want}. */
    private boolean nameEquals(final long at, final long limit, final byte[] want) {
        if (at + want.length >= limit) {
            return false;
        }
        for (int k = 0; k < want.length; k++) {
            if (data.get((int) (at + k)) != want[k]) {
                return false;
            }
        }
        return data.get((int) (at + want.length)) == 0;
    }

    /**
     * Copies the file's initialized bytes at a link-time virtual address (inside some {@code PT_LOAD}'s file
     * image), e.g. a {@code const} in {@code .rodata} or initialized data.
     *
     * @return the bytes, or empty if the range is not backed by the file
     */
    public Optional<byte[]> bytesAt(final long vaddr, final int length) {
        for (final ProgramHeader ph : programHeaders) {
            if (ph.type() != PT_LOAD || vaddr < ph.vaddr() || length < 0) {
                continue;
            }
            final long delta = vaddr - ph.vaddr();
            if (delta > ph.fileSize() || ph.fileSize() - delta < length) {
                continue;
            }
            final long at = ph.offset() + delta;
            checkRange(at, length, "bytes at virtual address 0x" + Long.toHexString(vaddr));
            final byte[] out = new byte[length];
            data.get((int) at, out);
            return Optional.of(out);
        }
        return Optional.empty();
    }

    private List<ProgramHeader> readProgramHeaders() {
        final long phoff = u64(32);
        final int phentsize = u16(54);
        final int phnum = u16(56);
        if (phnum == 0) {
            return List.of();
        }
        if (phentsize < PHDR_SIZE) {
            throw corrupt("program header entries of " + phentsize + " bytes");
        }
        checkRange(phoff, (long) phentsize * phnum, "program header table");
        final List<ProgramHeader> out = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            final long at = phoff + (long) i * phentsize;
            out.add(new ProgramHeader((int) u32(at), u64(at + 8), u64(at + 16), u64(at + 32), u64(at + 40),
                    u64(at + 48)));
        }
        return Collections.unmodifiableList(out);
    }

    private List<Section> readSections() {
        final long shoff = u64(40);
        final int shentsize = u16(58);
        long shnum = u16(60);
        long shstrndx = u16(62);
        if (shoff == 0) {
            return List.of();
        }
        if (shentsize < SHDR_SIZE) {
            throw corrupt("section header entries of " + shentsize + " bytes");
        }
        checkRange(shoff, shentsize, "section header table");
        // Extended numbering: counts too large for the header live in section 0.
        if (shnum == 0) {
            shnum = u64(shoff + 32);
        }
        if (shstrndx == SHN_XINDEX) {
            shstrndx = u32(shoff + 40);
        }
        if (shnum > (size - shoff) / shentsize) {
            throw corrupt("section header table (" + shnum + " entries at offset " + shoff + ") beyond end of file");
        }
        if (shstrndx >= shnum) {
            throw corrupt("section name table index " + shstrndx + " out of range (" + shnum + " sections)");
        }
        final long namesAt = shoff + shstrndx * shentsize;
        final long namesOffset = u64(namesAt + 24);
        final long namesSize = u64(namesAt + 32);
        checkRange(namesOffset, namesSize, "section name table");
        // The names in one bulk copy: a buffer read per character is several calls each, interpreted at an attach.
        // A linked binary's table is a few hundred bytes; one claiming more than 16 MiB is not believed.
        if (namesSize > MAX_SECTION_NAMES) {
            throw corrupt("section name table of " + namesSize + " bytes");
        }
        final byte[] names = new byte[(int) namesSize];
        data.get((int) namesOffset, names);
        final List<Section> out = new ArrayList<>((int) shnum);
        for (long i = 0; i < shnum; i++) {
            final long at = shoff + i * shentsize;
            final long nameIndex = u32(at);
            final int shType = (int) u32(at + 4);
            final long offset = u64(at + 24);
            final long shSize = u64(at + 32);
            if (shType != SHT_NOBITS && shType != 0) {
                checkRange(offset, shSize, "section " + i);
            }
            final String sectionName = nameIndex < namesSize ? cString(names, (int) nameIndex, namesOffset) : "";
            out.add(new Section(sectionName, shType, u64(at + 16), offset, shSize, (int) u32(at + 40),
                    u64(at + 56)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The NUL-terminated name at {@code at} in the name table {@code names} (at {@code base} in the file). */
    private String cString(final byte[] names, final int at, final long base) {
        int end = at;
        while (end < names.length && names[end] != 0) {
            end++;
        }
        if (end >= names.length) {
            throw corrupt("unterminated string at offset " + (base + at));
        }
        return new String(names, at, end - at, StandardCharsets.UTF_8);
    }

    private void checkRange(final long offset, final long length, final String what) {
        if (offset < 0 || length < 0 || length > size || offset > size - length) {
            throw corrupt(what + " (offset " + offset + ", " + length + " bytes) beyond end of file (" + size
                    + " bytes)");
        }
    }

    private int u8(final long at) {
        checkRange(at, 1, "byte");
        return data.get((int) at) & 0xff;
    }

    private int u16(final long at) {
        checkRange(at, 2, "field");
        return data.getShort((int) at) & 0xffff;
    }

    private long u32(final long at) {
        checkRange(at, 4, "field");
        return data.getInt((int) at) & 0xffffffffL;
    }

    private long u64(final long at) {
        checkRange(at, 8, "field");
        return data.getLong((int) at);
    }

    private SamplerException corrupt(final String detail) {
        return new SamplerException(SamplerException.Reason.NOT_PYTHON,
                "Not a valid ELF64 little-endian file: " + name + ": " + detail);
    }
}
