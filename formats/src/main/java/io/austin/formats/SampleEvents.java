package io.austin.formats;

import java.util.ArrayList;
import java.util.List;

/** The codec events of a whole sample, in the order Austin writes them (spec B.7). */
final class SampleEvents {
    private SampleEvents() {
    }

    /** {@code event} as codec events: metadata is itself; a sample is its header, markers, frames and metrics. */
    static List<StackEvent> of(ProfileEvent event) {
        return switch (event.type()) {
            case METADATA -> List.of((Metadata) event);
            case SAMPLE -> of((Sample) event);
        };
    }

    private static List<StackEvent> of(Sample s) {
        List<FrameRef> frames = s.frames();
        List<StackEvent> out = new ArrayList<>(frames.size() + 6);
        out.add(new StackHeader(s.thread()));
        if (s.invalid()) {
            out.add(InvalidFrame.INSTANCE);
        }
        for (int i = 0, n = frames.size(); i < n; i++) {
            FrameRef ref = frames.get(i);
            out.add(ref.isKernel() ? new KernelFrame(ref.frame().scope()) : ref);
        }
        if (s.gc()) {
            out.add(GcMarker.INSTANCE);
        }
        if (s.hasTime()) {
            out.add(new TimeMetric(s.time()));
        }
        if (s.idle()) {
            out.add(IdleMarker.INSTANCE);
        }
        if (s.hasMemory()) {
            out.add(new MemoryMetric(s.memory()));
        }
        return out;
    }
}
