package io.austin.sampler.internal.python;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The walker's own CPU per steady-state pass over synthetic memory (no system calls), one thread at a given depth.
 * Run with {@code mvn -Pjmh -pl sampler -am test-compile exec:exec -Djmh.args="WalkerBenchmark -f 1"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WalkerBenchmark {
    @Param({"3.8", "3.11", "3.12", "3.13", "3.14"})
    public String version;

    @Param({"10", "100"})
    public int depth;

    private InterpreterWalker walker;

    @Setup
    public void setUp() {
        SyntheticPython py = SyntheticWalkTest.python(version);
        long interp = py.interpreter(0);
        long ts = py.thread(interp, SyntheticPython.PID);
        py.stack(ts, py.recursion(depth), 4096);
        walker = py.walker();
    }

    @Benchmark
    public WalkResult walk() {
        return walker.walk();
    }
}
