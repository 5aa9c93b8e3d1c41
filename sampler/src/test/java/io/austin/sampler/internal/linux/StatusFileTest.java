package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusFileTest {
    private static long[] nsPid(String status) {
        return StatusFile.nsPid(status.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsTheIdsOfEveryNamespaceOutermostFirst() {
        assertArrayEquals(new long[] {4242}, nsPid("Name:\tpython3\nTgid:\t4242\nNSpid:\t4242\nNSpgid:\t4242\n"));
        assertArrayEquals(new long[] {31337, 7, 1}, nsPid("Name:\tpython3\nNSpid:\t31337\t7\t1\nNSsid:\t1\n"));
        assertArrayEquals(new long[] {12}, nsPid("NSpid:  12"), "first line, spaces, no newline at the end");
    }

    @Test
    void noLineOrAMalformedOneGivesNoIds() {
        assertArrayEquals(new long[0], nsPid("Name:\tpython3\nPid:\t12\n"));
        assertArrayEquals(new long[0], nsPid("NSpid:\t12x\t1\n"));
        assertArrayEquals(new long[0], nsPid("NSpid:\n"));
        assertArrayEquals(new long[0], nsPid("XNSpid:\t12\n"), "the key starts a line");
        assertArrayEquals(new long[0], nsPid(""));
    }
}
