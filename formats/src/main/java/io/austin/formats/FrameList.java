package io.austin.formats;

import java.util.AbstractList;
import java.util.RandomAccess;

/** An immutable list over an array the producer hands over and no longer touches: no second copy per sample. */
final class FrameList extends AbstractList<FrameRef> implements RandomAccess {
    private final FrameRef[] frames;

    FrameList(FrameRef[] frames) {
        this.frames = frames;
    }

    @Override
    public FrameRef get(int index) {
        return frames[index];
    }

    @Override
    public int size() {
        return frames.length;
    }
}
