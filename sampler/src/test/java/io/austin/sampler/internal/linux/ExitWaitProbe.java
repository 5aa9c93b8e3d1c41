package io.austin.sampler.internal.linux;

import java.nio.file.Path;

/**
 * Run by {@link ExitWaitTest} in a fresh JVM, where the native binding has not been made: says whether a tool's
 * exit ({@link NativeBinding#flushWaiting()}) makes it, after a closed signal trap and after a queued log message.
 */
public final class ExitWaitProbe {
    private ExitWaitProbe() {
    }

    public static void main(final String[] args) {
        final Signals.Handle trap = Signals.onStop(signal -> { });
        trap.close();
        NativeBinding.flushWaiting();
        System.out.println("after a closed trap: bound at exit=" + NativeBinding.settled());
        // A message for a log socket that exists waits for the binding: the exit makes it to send the message.
        new Syslog("probe").send(Syslog.Level.INFO, "probe", Path.of(args[0]).toString());
        NativeBinding.flushWaiting();
        System.out.println("after a waiting message: bound at exit=" + NativeBinding.settled());
    }
}
