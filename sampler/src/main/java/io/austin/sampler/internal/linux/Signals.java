package io.austin.sampler.internal.linux;

import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT/SIGTERM for the sampler's CLI: catch them to end sampling cleanly (footer written, output flushed), and
 * forward them to a spawned target, as Austin does.
 */
public final class Signals {
    /** SIGINT's number on Linux. */
    public static final int SIGINT = 2;
    /** SIGTERM's number on Linux. */
    public static final int SIGTERM = 15;
    /** SIGHUP's number on Linux. */
    public static final int SIGHUP = 1;

    private Signals() {
    }

    /** A registration that restores the previous handlers when closed. */
    public interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code onSignal} with the signal number when SIGINT, SIGTERM or SIGHUP arrives, instead of ending the
     * JVM. The callback runs on a JVM signal thread.
     */
    public static Handle onStop(IntConsumer onSignal) {
        // A process started in the background by a non-interactive shell inherits SIGINT ignored, and the JVM
        // will not take over an ignored signal. Austin handles SIGINT however it was started: restore the default
        // first so the handler below is installed.
        if (LibC.available()) {
            LibC.signal(SIGINT, null);
            LibC.signal(SIGTERM, null);
            LibC.signal(SIGHUP, null);
        }
        SignalHandler handler = sig -> onSignal.accept(sig.getNumber());
        Signal intSignal = new Signal("INT");
        Signal termSignal = new Signal("TERM");
        Signal hupSignal = new Signal("HUP");
        SignalHandler previousInt = Signal.handle(intSignal, handler);
        SignalHandler previousTerm = Signal.handle(termSignal, handler);
        SignalHandler previousHup = Signal.handle(hupSignal, handler);
        return () -> {
            Signal.handle(intSignal, previousInt);
            Signal.handle(termSignal, previousTerm);
            Signal.handle(hupSignal, previousHup);
        };
    }

    /** Sends signal {@code sig} to process {@code pid}; false if it could not be delivered (e.g. it has ended). */
    public static boolean send(int pid, int sig) {
        return pid > 0 && LibC.available() && LibC.kill(pid, sig) == 0;
    }
}
