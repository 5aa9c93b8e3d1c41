package io.austin.formats;

import java.util.Objects;

/**
 * A kernel frame (MOJO event 6, text {@code kernel:<symbol>:0}); only Austin's native variant emits them.
 *
 * @param scope the kernel symbol
 */
public record KernelFrame(String scope) implements StackEvent {
    public KernelFrame {
        Objects.requireNonNull(scope, "scope");
    }

    @Override
    public Kind kind() {
        return Kind.KERNEL_FRAME;
    }
}
