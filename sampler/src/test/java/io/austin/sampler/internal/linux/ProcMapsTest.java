package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcMapsTest {
    private static final String TEXT = String.join("\n",
            "00400000-00401000 r--p 00000000 08:01 1234                               /usr/bin/python3.11",
            "00401000-00500000 r-xp 00001000 08:01 1234                               /usr/bin/python3.11",
            "00500000-00600000 rw-p 00100000 08:01 1234                               /usr/bin/python3.11",
            "01000000-01100000 rw-p 00000000 00:00 0                                  [heap]",
            "7f0000000000-7f0000001000 ---p 00000000 00:00 0 ",
            "7f0000001000-7f0000002000 r--p 00000000 08:01 99                         /tmp/my lib/libpython3.9.so.1.0"
                    + " (deleted)",
            "7f0000002000-7f0000003000 r-xp 00001000 08:01 99                         /tmp/my lib/libpython3.9.so.1.0"
                    + " (deleted)",
            "7f0000004000-7f0000005000 rw-p 00000000 00:00 0",
            "garbage line",
            "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
            "");

    @Test
    void parsesEveryFieldIncludingDeletedPathsWithSpaces() {
        final ProcMaps maps = ProcMaps.parse(TEXT);
        final List<ProcMaps.Mapping> all = maps.mappings();
        assertEquals(9, all.size(), "the garbage line is skipped");
        assertEquals(new ProcMaps.Mapping(0x400000, 0x401000, "r--p", 0, "/usr/bin/python3.11", false), all.get(0));
        assertEquals(new ProcMaps.Mapping(0x500000, 0x600000, "rw-p", 0x100000, "/usr/bin/python3.11", false),
                all.get(2));
        assertEquals("[heap]", all.get(3).path());
        assertFalse(all.get(3).isFile());
        assertEquals("", all.get(4).path());
        assertFalse(all.get(4).readable());
        final ProcMaps.Mapping lib = all.get(5);
        assertEquals("/tmp/my lib/libpython3.9.so.1.0", lib.path());
        assertTrue(lib.deleted());
        assertEquals(0xffffffffff600000L, all.get(8).start());
    }

    @Test
    void pathsAreUtf8AndOnlyHexDigitsMakeAnAddress() {
        final String text = String.join("\n",
                "7f0000001000-7f0000002000 r--p 00000000 08:01 99   /tmp/caf\u00e9 \u00fcber/libpython3.12.so"
                        + " (deleted)",
                "7F0000002000-7F0000003000 r-xp 0000000A 08:01 99   /x",
                "7f000000200g-7f0000003000 r-xp 00000000 08:01 99   /not-hex",
                "7f0000002000-7f0000003000 r-x 00000000 08:01 99   /short-perms",
                "10000000000000000-7f0000003000 r-xp 00000000 08:01 99   /seventeen-digits");
        final List<ProcMaps.Mapping> all = ProcMaps.parse(text).mappings();
        assertEquals(2, all.size(), all.toString());
        assertEquals("/tmp/caf\u00e9 \u00fcber/libpython3.12.so", all.get(0).path());
        assertTrue(all.get(0).deleted());
        assertEquals(new ProcMaps.Mapping(0x7f0000002000L, 0x7f0000003000L, "r-xp", 10, "/x", false), all.get(1));
    }

    @Test
    void findsTheFirstMappingOfEachFile() {
        final ProcMaps maps = ProcMaps.parse(TEXT);
        assertEquals(0x400000, maps.firstMapping("/usr/bin/python3.11").orElseThrow().start());
        assertEquals(0x7f0000001000L, maps.firstMapping("/tmp/my lib/libpython3.9.so.1.0").orElseThrow().start());
        assertTrue(maps.firstMapping("/nope").isEmpty());
        assertEquals(List.of("/usr/bin/python3.11", "/tmp/my lib/libpython3.9.so.1.0"),
                List.copyOf(maps.firstMappings().keySet()));
        assertEquals(0x401000, maps.find(0x401234).orElseThrow().start());
        assertTrue(maps.find(0x300000).isEmpty());
    }

    @Test
    void isMappedFollowsReadableMemoryAcrossAdjacentMappings() {
        final ProcMaps maps = ProcMaps.parse(TEXT);
        assertTrue(maps.isMapped(0x400000, 8));
        assertTrue(maps.isMapped(0x400ff8, 16), "straddles two adjacent readable mappings");
        assertTrue(maps.isMapped(0x400000, 0x200000), "the whole executable");
        assertFalse(maps.isMapped(0x5ffff8, 16), "runs past the end into a gap");
        assertTrue(maps.isMapped(0x5ffff8, 8));
        assertFalse(maps.isMapped(0x3ffff8, 16));
        assertFalse(maps.isMapped(0x10, 8));
        assertFalse(maps.isMapped(0x7f0000000100L, 8), "---p is not readable");
        assertTrue(maps.isMapped(0x7f0000002ff8L, 8));
        assertFalse(maps.isMapped(0x7f0000003000L, 8));
        assertFalse(maps.isMapped(0xffffffffff600000L, 8), "--xp is not readable");
        assertFalse(maps.isMapped(-8, 16), "wraps around");
        assertFalse(maps.isMapped(0x400000, -1));
        assertTrue(maps.isMapped(0x400000, 0));
    }

    @Test
    void readsThisProcess() {
        final ProcMaps maps = ProcMaps.read((int) ProcessHandle.current().pid());
        assertTrue(maps.mappings().size() > 10);
        assertTrue(maps.firstMappings().keySet().stream().anyMatch(p -> p.contains("libjvm")));
        for (final ProcMaps.Mapping m : maps.mappings()) {
            assertTrue(Long.compareUnsigned(m.start(), m.end()) < 0, m.toString());
        }
    }

    @Test
    void aVanishedProcessIsReported() throws Exception {
        final int pid = Targets.vanishedPid();
        final SamplerException e = assertThrows(SamplerException.class, () -> ProcMaps.read(pid));
        assertEquals(Reason.NO_SUCH_PROCESS, e.reason());
    }
}
