package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: {@code bin/austin -i 100us} attached to a target that never settles ({@code churn.py}) for many minutes.
 * Every 10 s it records the profiler's resident set, open files, threads, CPU time and the size of its output; at
 * the end the resident set of the last third is flat against the first third, no file descriptor or thread has
 * leaked, and the sampling rate held: the output grew at a steady pace (the MOJO stream carries no clock, so its
 * bytes per 10 s stand for the samples written; the churning target keeps defining new frames at an even pace). Not part of {@code mvn
 * verify}: {@code mvn -pl bin verify -Psoak} (10 minutes; {@code -Daustin.soak.minutes=N} for another length). The
 * table is printed and written to {@code bin/target/soak.txt}.
 */
class SoakIT {
    private static final int MINUTES = Integer.getInteger("austin.soak.minutes", 0);

    @TempDir
    Path tmp;

    private record Point(long second, long rssKib, long fds, long threads, long cpuMs, long outKib) {
    }

    @Test
    void tenMinutesAt100Microseconds() throws Exception {
        assumeTrue(MINUTES > 0, "a soak run: mvn -pl bin verify -Psoak");
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        long seconds = MINUTES * 60L;
        Process target = new ProcessBuilder(Pythons.any().path().toString(), "-S",
                Fixtures.target("churn.py").toString(), Long.toString(seconds + 60)).redirectErrorStream(true).start();
        try {
            assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            Path out = tmp.resolve("soak.mojo");
            ProcessBuilder pb = new ProcessBuilder(Paths.get("austin").toAbsolutePath().toString(), "-b", "-i",
                    "100us", "-x", Long.toString(seconds), "-o", out.toString(), "-p", Long.toString(target.pid()))
                    .redirectError(tmp.resolve("soak.log").toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process austin = pb.start();
            List<Point> points = new ArrayList<>();
            long start = System.nanoTime();
            while (!austin.waitFor(10, TimeUnit.SECONDS)) {
                Point p = measure(austin.pid(), (System.nanoTime() - start) / 1_000_000_000L, out);
                if (p != null) {
                    points.add(p);
                }
            }
            String err = Files.readString(tmp.resolve("soak.log"));
            assertEquals(0, austin.exitValue(), err);
            StringBuilder table = new StringBuilder("second rss_kib fds threads cpu_ms_per_10s out_kib_per_10s\n");
            List<Long> paces = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                long cpu = i == 0 ? p.cpuMs() : p.cpuMs() - points.get(i - 1).cpuMs();
                long pace = i == 0 ? p.outKib() : p.outKib() - points.get(i - 1).outKib();
                if (p.second() > 60) {
                    paces.add(pace);
                }
                table.append(p.second()).append(' ').append(p.rssKib()).append(' ').append(p.fds()).append(' ')
                        .append(p.threads()).append(' ').append(cpu).append(' ').append(pace).append('\n');
            }
            table.append(err.lines().filter(l -> l.contains("Sampling duration") || l.contains("Long sampling")
                    || l.contains("Error rate")).reduce("", (a, b) -> a + b + "\n"));
            table.append("output: ").append(Files.size(out)).append(" bytes of MOJO\n");
            Files.writeString(Paths.get("target/soak.txt"), table);
            System.out.println("[soak]\n" + table);
            assertTrue(points.size() >= 6, "measured: " + points.size());
            int third = points.size() / 3;
            long early = points.subList(0, third).stream().mapToLong(Point::rssKib).max().orElse(0);
            long late = points.subList(2 * third, points.size()).stream().mapToLong(Point::rssKib).max().orElse(0);
            assertTrue(late <= early * 1.10 + 4096, "resident set flat: first third " + early + " KiB, last third "
                    + late + " KiB");
            List<Point> settled = points.subList(Math.min(6, points.size() - 1), points.size());
            long fdSpread = settled.stream().mapToLong(Point::fds).max().orElse(0)
                    - settled.stream().mapToLong(Point::fds).min().orElse(0);
            long threadSpread = settled.stream().mapToLong(Point::threads).max().orElse(0)
                    - settled.stream().mapToLong(Point::threads).min().orElse(0);
            assertTrue(fdSpread <= 4, "open files steady after the first minute: spread " + fdSpread);
            assertTrue(threadSpread <= 2, "threads steady after the first minute: spread " + threadSpread);
            // The rate holds when the last third of the run writes at the pace of the first (after its first minute):
            // single windows may dip when the machine is busy, a trend would not.
            int part = paces.size() / 3;
            long first = median(paces.subList(0, part));
            long last = median(paces.subList(paces.size() - part, paces.size()));
            assertTrue(last >= first * 3 / 4 && last <= first * 4 / 3, "output written at a steady pace: median "
                    + first + " KiB per 10 s in the first third, " + last + " in the last");
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Point measure(long pid, long second, Path out) {
        try {
            long rss = Files.readAllLines(Paths.get("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0);
            long fds;
            try (Stream<Path> s = Files.list(Paths.get("/proc/" + pid + "/fd"))) {
                fds = s.count();
            }
            long threads;
            try (Stream<Path> s = Files.list(Paths.get("/proc/" + pid + "/task"))) {
                threads = s.count();
            }
            // utime and stime, the 14th and 15th fields, after the parenthesised command name.
            String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long cpuMs = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // 100 clock ticks a second
            long outKib = Files.exists(out) ? Files.size(out) / 1024 : 0;
            return new Point(second, rss, fds, threads, cpuMs, outKib);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
