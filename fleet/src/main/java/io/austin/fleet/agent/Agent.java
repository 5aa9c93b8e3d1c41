package io.austin.fleet.agent;

import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import reactor.core.Disposable;

/**
 * Samples a host's Python processes of one service continuously and publishes one profile per process per window:
 * the processes given by PID (each with its Python children when {@code children}), and every process whose
 * command line matches a pattern, looked for again every two seconds, so that processes come and go without a
 * restart. Windows are aligned to wall-clock multiples of their length (10 s by default), so that they nest in
 * minutes. Sampling never waits for Kafka: windows go through {@link WindowSender}'s bounded buffer.
 */
public final class Agent implements AutoCloseable {
    /**
     * What to sample and how.
     *
     * @param service  the service name (the record key)
     * @param host     the host label
     * @param pids     processes to sample (each until it ends)
     * @param match    a pattern: every process whose command line contains a match is sampled; null for none
     * @param children whether the given processes' Python children are sampled too (a supervisor)
     * @param window   the window length
     * @param options  the sampler's options (interval, mode)
     * @param otlp     whether each window is published as OTLP profiles too
     */
    public record Config(String service, String host, List<Integer> pids, Pattern match, boolean children,
            Duration window, SamplerOptions options, boolean otlp) {
    }

    private static final long SCAN_MILLIS = 2_000;

    private final Config config;
    private final WindowSender sender;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "austin-agent-windows");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, Run> runs = new ConcurrentHashMap<>();
    private final Set<Integer> refused = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private record Run(WindowCutter cutter, Disposable subscription) {
    }

    Agent(Config config, WindowSender sender) {
        this.config = config;
        this.sender = sender;
    }

    /** Starts sampling: the given processes now, the matching ones at every scan, windows cut at each boundary. */
    public void start() {
        for (int pid : config.pids()) {
            attach(pid);
        }
        if (config.match() != null) {
            timer.scheduleWithFixedDelay(this::scan, 0, SCAN_MILLIS, TimeUnit.MILLISECONDS);
        }
        long length = config.window().toMillis();
        long now = System.currentTimeMillis();
        long first = length - Math.floorMod(now, length);
        timer.scheduleAtFixedRate(this::cutAll, first, length, TimeUnit.MILLISECONDS);
    }

    /** How many processes are being sampled. */
    public int sampling() {
        return runs.size();
    }

    private void attach(int pid) {
        if (closed || runs.containsKey(pid) || refused.contains(pid)) {
            return;
        }
        long now = System.currentTimeMillis();
        WindowCutter cutter = new WindowCutter(config.service(), config.host(), config.window().toMillis(), now,
                config.otlp());
        SamplerOptions o = config.options().withChildren(config.children());
        Sampler.Listener listener = new Sampler.Listener() {
            @Override
            public void attached(Sampler.Run run) {
                for (Sampler.ProcessInfo p : run.processes()) {
                    cutter.python(p.pid(), p.runtime().version());
                }
            }

            @Override
            public void processAdded(Sampler.Run run, Sampler.ProcessInfo p) {
                cutter.python(p.pid(), p.runtime().version());
            }
        };
        Disposable d = Sampler.attach(pid, o, listener).subscribe(cutter::accept, e -> ended(pid, cutter, e),
                () -> ended(pid, cutter, null));
        runs.put(pid, new Run(cutter, d));
    }

    /** A run ended: the target exited (its last window goes out now) or could not be sampled (not retried). */
    private void ended(int pid, WindowCutter cutter, Throwable error) {
        runs.remove(pid);
        if (error != null) {
            refused.add(pid);
            if (!(error instanceof SamplerException s && s.reason() == SamplerException.Reason.NOT_PYTHON)) {
                System.err.println("austin-agent: process " + pid + ": " + error.getMessage());
            }
        }
        try {
            timer.execute(() -> publish(cutter.cut(System.currentTimeMillis())));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            publish(cutter.cut(System.currentTimeMillis()));
        }
    }

    private void cutAll() {
        long now = System.currentTimeMillis();
        for (Run r : runs.values()) {
            publish(r.cutter().cut(now));
        }
    }

    private void publish(List<Window> windows) {
        for (Window w : windows) {
            if (w.samples() > 0) {
                sender.offer(w);
            }
        }
    }

    /** Every process whose command line matches, other than this one, not sampled yet. */
    private void scan() {
        Set<Integer> seen = new HashSet<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                int pid;
                try {
                    pid = Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == self) {
                    continue;
                }
                seen.add(pid);
                if (runs.containsKey(pid) || refused.contains(pid)) {
                    continue;
                }
                String cmdline = commandLine(p);
                if (cmdline != null && config.match().matcher(cmdline).find()) {
                    attach(pid);
                }
            }
        } catch (IOException e) {
            System.err.println("austin-agent: cannot list /proc: " + e.getMessage());
        }
        refused.retainAll(seen); // a PID reused later is looked at again
    }

    private static String commandLine(Path proc) {
        try {
            byte[] b = Files.readAllBytes(proc.resolve("cmdline"));
            if (b.length == 0) {
                return null;
            }
            for (int i = 0; i < b.length; i++) {
                if (b[i] == 0) {
                    b[i] = ' ';
                }
            }
            return new String(b, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null; // gone, or not ours to read
        }
    }

    /** The sender's counts. */
    WindowSender.Stats stats() {
        return sender.stats();
    }

    /**
     * Stops sampling, publishes the open windows (ending now) and waits up to {@code waitMillis} for the broker to
     * acknowledge what is buffered; returns the windows left unsent.
     */
    public int stop(long waitMillis) {
        closed = true;
        timer.shutdownNow();
        long now = System.currentTimeMillis();
        for (Map.Entry<Integer, Run> e : runs.entrySet()) {
            e.getValue().subscription().dispose();
            publish(e.getValue().cutter().cut(now));
        }
        runs.clear();
        return sender.drain(waitMillis);
    }

    @Override
    public void close() {
        stop(0);
        sender.close();
    }
}
