package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcFieldsTest {
    private static long[] numbers(String text, String key) {
        return ProcFields.numbers(text.getBytes(StandardCharsets.US_ASCII), key);
    }

    @Test
    void statusNsPidGivesTheIdsOfEveryNamespaceOutermostFirst() {
        assertArrayEquals(new long[] {4242}, numbers("Name:\tpython3\nTgid:\t4242\nNSpid:\t4242\nNSpgid:\t4242\n",
                "NSpid:"));
        assertArrayEquals(new long[] {31337, 7, 1}, numbers("Name:\tpython3\nNSpid:\t31337\t7\t1\nNSsid:\t1\n",
                "NSpid:"));
        assertArrayEquals(new long[] {12}, numbers("NSpid:  12", "NSpid:"), "first line, spaces, no newline");
    }

    @Test
    void meminfoStopsAtTheUnit() {
        assertArrayEquals(new long[] {24576000}, numbers("MemTotal:       24576000 kB\nMemFree:  1 kB\n",
                "MemTotal:"));
        assertArrayEquals(new long[] {1}, numbers("MemTotal: 9 kB\nMemFree:  1 kB\n", "MemFree:"));
    }

    @Test
    void noLineOrAMalformedOneGivesNoNumbers() {
        assertArrayEquals(new long[0], numbers("Name:\tpython3\nPid:\t12\n", "NSpid:"));
        assertArrayEquals(new long[0], numbers("NSpid:\t12x\t1\n", "NSpid:"));
        assertArrayEquals(new long[0], numbers("NSpid:\n", "NSpid:"));
        assertArrayEquals(new long[0], numbers("XNSpid:\t12\n", "NSpid:"), "the key starts a line");
        assertArrayEquals(new long[0], numbers("", "NSpid:"));
    }

    @Test
    void thisMachinesFilesHaveBoth() throws Exception {
        final byte[] meminfo = Files.readAllBytes(Path.of("/proc/meminfo"));
        assertEquals(1, ProcFields.numbers(meminfo, "MemTotal:").length);
        final byte[] status = Files.readAllBytes(Path.of("/proc/self/status"));
        assertEquals(ProcessHandle.current().pid(),
                ProcFields.numbers(status, "NSpid:")[0]);
    }
}
