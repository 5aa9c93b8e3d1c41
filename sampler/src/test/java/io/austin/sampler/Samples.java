package io.austin.sampler;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.GcMarker;
import io.austin.formats.InvalidFrame;
import io.austin.formats.StackEvent;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import java.util.ArrayList;
import java.util.List;

/** Test helper: events grouped into samples. */
record Samples(List<Sample> all) {
    record Sample(StackHeader header, boolean invalid, boolean gc, List<Frame> frames, long time) {
        Frame leaf() {
            return frames.isEmpty() ? null : frames.get(frames.size() - 1);
        }

        boolean has(String scope) {
            return frames.stream().anyMatch(f -> f.scope().equals(scope));
        }

        long count(String scope) {
            return frames.stream().filter(f -> f.scope().equals(scope)).count();
        }
    }

    static Samples of(List<StackEvent> events) {
        List<Sample> out = new ArrayList<>();
        StackHeader h = null;
        boolean invalid = false;
        boolean gc = false;
        List<Frame> frames = new ArrayList<>();
        for (StackEvent e : events) {
            if (e instanceof StackHeader) {
                h = (StackHeader) e;
                invalid = false;
                gc = false;
                frames = new ArrayList<>();
            } else if (e instanceof FrameRef) {
                frames.add(((FrameRef) e).frame());
            } else if (e instanceof InvalidFrame) {
                invalid = true;
            } else if (e instanceof GcMarker) {
                gc = true;
            } else if (e instanceof TimeMetric && h != null) {
                out.add(new Sample(h, invalid, gc, frames, ((TimeMetric) e).value()));
                h = null;
            }
        }
        return new Samples(out);
    }

    List<Sample> thread(long pid, long tid) {
        String hex = Long.toHexString(tid);
        return all.stream().filter(s -> s.header().pid() == pid && s.header().tid().equals(hex)).toList();
    }
}
