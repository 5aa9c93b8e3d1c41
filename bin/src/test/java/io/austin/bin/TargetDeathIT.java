package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.Fixtures;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.StackEvents;
import io.austin.sampler.Pythons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target killed (SIGKILL) at a random moment of the run, {@value #RUNS} runs spread over text and MOJO, spawned
 * and attached: austin ends with Austin's status (0: the end of the target ends the run), the text output ends
 * with its footer, and the MOJO output ends at an event boundary with its footer and decodes with our reader.
 */
class TargetDeathIT {
    private static final int RUNS = Integer.getInteger("austin.deaths", 50);

    @TempDir
    Path tmp;

    @Test
    void aTargetKilledAtAnyMomentLeavesACompleteOutput() throws Exception {
        Path script = Fixtures.target("shares.py");
        String python = Pythons.any().path().toString();
        SplittableRandom random = new SplittableRandom(20261130);
        List<String> report = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            boolean mojo = run % 2 == 0;
            boolean spawn = run / 2 % 2 == 0;
            long delayMs = 150 + random.nextInt(900);
            Path out = tmp.resolve("run" + run + (mojo ? ".mojo" : ".austin"));
            List<String> args = new ArrayList<>(List.of("-i", "1ms", "-o", out.toString()));
            if (mojo) {
                args.add("-b");
            }
            Process attached = null;
            if (!spawn) {
                attached = new ProcessBuilder(python, "-S", script.toString(), "60").redirectErrorStream(true)
                        .start();
                assertTrue(new String(attached.getInputStream().readNBytes(5), StandardCharsets.UTF_8)
                        .startsWith("ready"));
                args.addAll(List.of("-p", Long.toString(attached.pid())));
            } else {
                args.addAll(List.of(python, "-S", script.toString(), "60"));
            }
            CompletableFuture<ToolRun> austin = CompletableFuture.supplyAsync(
                    () -> ToolRun.of("austin", args.toArray(String[]::new)));
            ProcessHandle target = spawn ? spawnedChild(script) : attached.toHandle();
            Thread.sleep(delayMs);
            target.destroyForcibly();
            ToolRun o = austin.get(30, TimeUnit.SECONDS);
            String what = "run " + run + " (" + (mojo ? "MOJO" : "text") + ", " + (spawn ? "spawn" : "attach")
                    + ", killed after " + delayMs + " ms)";
            assertEquals(0, o.status(), what + ": " + o.err());
            if (mojo) {
                List<ProfileEvent> events = StackEvents.profile(out).collectList().block();
                assertTrue(events != null && !events.isEmpty(), what);
                assertTrue(events.stream().anyMatch(e -> e instanceof Metadata m && m.key().equals("duration")),
                        what + ": the footer's duration is written");
                report.add(events.size() + " events");
            } else {
                TextProfile p = TextProfile.parse(Files.readString(out));
                assertTrue(p.footer.containsKey("duration"), what + ": footer");
                assertTrue(Files.readString(out).endsWith("\n"), what + ": ends at a line end");
                report.add(p.lines.size() + " samples");
            }
        }
        System.out.println("[deaths] " + RUNS + " runs: " + String.join(", ", report));
    }

    /** The Python child this JVM spawned for the run in progress, as soon as it exists. */
    private static ProcessHandle spawnedChild(Path script) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> child = ProcessHandle.current().children()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(script.toString()))
                            .orElse(false))
                    .findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the spawned target never appeared");
    }
}
