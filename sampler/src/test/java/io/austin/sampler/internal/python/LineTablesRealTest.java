package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The line-table decoders against the interpreters' own answers ({@code PyCode_Addr2Line} through ctypes, and
 * {@code co_positions()} on 3.11+) for every instruction of every code object of a few stdlib modules, dumped at test
 * time by {@code linetables.py}.
 */
class LineTablesRealTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @MethodSource("io.austin.sampler.internal.python.RealProcessTest#pythons")
    void decodersAgreeWithTheInterpreter(String python) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(python)), python + " not installed");
        Path script = dir.resolve("linetables.py");
        try (InputStream in = getClass().getResourceAsStream("linetables.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Process p = new ProcessBuilder(python, "-S", script.toString(), "threading", "argparse", "typing",
                "dataclasses", "inspect").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long codes = 0;
        long checks = 0;
        List<String> mismatches = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.US_ASCII))) {
            byte[] table = new byte[0];
            int first = 0;
            int[] out = new int[4];
            boolean lnotab = python.contains("/3.8.") || python.contains("/3.9.");
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                String[] f = l.split(" ");
                switch (f[0]) {
                    case "C" -> {
                        codes++;
                        first = Integer.parseInt(f[1]);
                        table = f[2].equals("-") ? new byte[0] : HexFormat.of().parseHex(f[2]);
                    }
                    case "L" -> {
                        checks++;
                        int addrq = Integer.parseInt(f[1]);
                        int want = Integer.parseInt(f[2]);
                        if (lnotab) {
                            int got = LineTables.lnotab(table, table.length, first, addrq);
                            if (got != want) {
                                mismatches.add(l + " got " + got);
                            }
                        } else {
                            int got = LineTables.linetable310(table, table.length, first, addrq);
                            if (got != want) {
                                mismatches.add(l + " got " + got);
                            }
                        }
                    }
                    case "P" -> {
                        checks++;
                        int addrq = Integer.parseInt(f[1]);
                        LineTables.locations311(table, table.length, first, addrq, out);
                        int addr2line = Integer.parseInt(f[2]);
                        boolean ok = out[0] == addr2line && out[0] == Integer.parseInt(f[3])
                                && out[1] == Integer.parseInt(f[4]) && out[2] == Integer.parseInt(f[5])
                                && out[3] == Integer.parseInt(f[6]);
                        if (!ok) {
                            mismatches.add(l + " got " + out[0] + " " + out[1] + " " + out[2] + " " + out[3]);
                        }
                    }
                    default -> throw new AssertionError("unexpected line " + l);
                }
            }
        } finally {
            p.waitFor(60, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        System.out.printf("[linetables] %s: %d code objects, %d offsets checked, %d mismatches%n", python, codes,
                checks, mismatches.size());
        assertEquals(0, p.exitValue());
        assertTrue(codes > 500 && checks > 10_000, codes + " codes, " + checks + " checks");
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())));
    }
}
