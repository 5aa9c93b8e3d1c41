package io.austin.sampler.internal;

import io.austin.formats.Sample;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.internal.linux.ProcessTree;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Where mode: one pass over a process (and its Python descendants with children), then detach. */
public final class Snapshots {
    private Snapshots() {
    }

    /**
     * Every thread's current stack of process {@code pid}, and of its Python descendants when
     * {@link SamplerOptions#children()}, each sample with its idle and invalid flags and no metrics.
     *
     * @throws SamplerException as an attach would (a root that is not Python is skipped with children, and is status
     *         39 when no descendant is Python either)
     */
    public static Sampler.Snapshot take(int pid, SamplerOptions options) {
        Warmup.run();
        List<ProcessSampler> processes = new ArrayList<>();
        List<Sampler.ProcessInfo> info = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        try {
            try {
                ProcessSampler root = ProcessSampler.open(Target.attach(pid), false, options.timeout(), true);
                processes.add(root);
            } catch (SamplerException e) {
                if (!options.children() || e.reason() != SamplerException.Reason.NOT_PYTHON) {
                    throw e;
                }
            }
            if (options.children()) {
                for (int child : new ProcessTree().descendants(pid)) {
                    try {
                        processes.add(ProcessSampler.open(Target.attach(child), true, Duration.ZERO, true));
                    } catch (SamplerException notPython) {
                        // only the Python descendants are shown
                    }
                }
                if (processes.isEmpty()) {
                    throw new SamplerException(SamplerException.Reason.NO_PYTHON_CHILDREN, "Not a Python process: "
                            + "process " + pid + " is not Python and has no Python child process");
                }
            }
            for (ProcessSampler p : processes) {
                info.add(new Sampler.ProcessInfo(p.pid(), p.runtime(), p.child()));
                p.snapshot(samples::add);
            }
        } finally {
            for (ProcessSampler p : processes) {
                p.close();
            }
        }
        return new Sampler.Snapshot(List.copyOf(info), List.copyOf(samples));
    }
}
