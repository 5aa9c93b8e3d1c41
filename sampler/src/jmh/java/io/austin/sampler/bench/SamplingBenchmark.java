package io.austin.sampler.bench;

import io.austin.sampler.PythonRuntime;
import io.austin.sampler.internal.linux.ProcessVmMemory;
import io.austin.sampler.internal.python.RuntimeLocator;
import io.austin.sampler.internal.python.InterpreterWalker;
import io.austin.sampler.internal.python.WalkResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one sampling pass (one sample: the target has one thread) over a real CPython process whose main
 * thread spins at the bottom of a recursion {@code depth} frames deep. The pass is the sampler's whole per-sample
 * work: the walk of runtime, interpreter, thread and frames, with code objects and strings resolved (cached after
 * the first passes, as in a real run). Time per operation is the wall time of a pass run back to back, i.e.
 * {@code -i 0}; the tear-down prints syscalls and CPU time per pass measured over the iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SamplingBenchmark {
    @Param({"3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0"})
    public String python;

    @Param({"10", "100"})
    public int depth;

    private Process target;
    private ProcessVmMemory memory;
    private InterpreterWalker walker;
    private long passes;
    private long callsAtStart;
    private long cpuAtStart;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void start() throws Exception {
        Path exe = Paths.get("/root/.pyenv/versions", python, "bin", "python3");
        if (!Files.isExecutable(exe)) {
            throw new IllegalStateException(exe + " is not installed");
        }
        Path script = Paths.get(System.getProperty("austin.testdata", "../testdata"), "targets", "deep.py");
        target = new ProcessBuilder(exe.toString(), "-S", script.toString(), Integer.toString(depth), "600")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8));
        if (!"ready".equals(out.readLine())) {
            throw new IllegalStateException("target did not start");
        }
        Thread.sleep(200);
        int pid = (int) target.pid();
        memory = ProcessVmMemory.open(pid);
        PythonRuntime rt = RuntimeLocator.locate(pid, memory, Duration.ofSeconds(5));
        walker = InterpreterWalker.create(memory, rt.major(), rt.minor(), rt.runtimeAddress(), rt.codeTypeAddress(), pid);
        WalkResult r = walker.walk();
        if (r.threadCount() != 1 || r.thread(0).depth() != depth) {
            throw new IllegalStateException("expected one thread " + depth + " deep, got " + r);
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        passes = 0;
        callsAtStart = memory.calls();
        cpuAtStart = threads.getCurrentThreadCpuTime();
    }

    @Benchmark
    public WalkResult pass() {
        passes++;
        return walker.walk();
    }

    @TearDown(Level.Iteration)
    public void report() {
        long cpu = threads.getCurrentThreadCpuTime() - cpuAtStart;
        System.out.printf("%n[%s depth %d] passes %d, syscalls/sample %.2f, CPU us/sample %.2f%n", python, depth,
                passes, (memory.calls() - callsAtStart) / (double) passes, cpu / 1000.0 / passes);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        memory.close();
        target.destroyForcibly().waitFor();
    }
}
