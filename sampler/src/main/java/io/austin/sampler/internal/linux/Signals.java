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

    /** SIGINT, SIGTERM and SIGHUP, as the JVM names them; made once (the warm-up makes them before a run). */
    private static final class Stop {
        static final Signal[] SIGNALS = {new Signal("INT"), new Signal("TERM"), new Signal("HUP")};
    }

    /** Loads what {@link #onStop} needs, without installing anything: part of the sampler's warm-up. */
    public static void prepare() {
        Trap.class.getName();
        if (Stop.SIGNALS.length != 3) {
            throw new IllegalStateException();
        }
    }

    /**
     * Calls {@code onSignal} with the signal number when SIGINT, SIGTERM or SIGHUP arrives, instead of ending the
     * JVM. The callback runs on a JVM signal thread.
     */
    public static Handle onStop(IntConsumer onSignal) {
        Trap trap = new Trap(onSignal);
        // A process started in the background by a non-interactive shell inherits SIGINT ignored, and the JVM
        // will not take over an ignored signal. Austin handles SIGINT however it was started: restore the default
        // first so the handler below is installed. That needs the native binding, which is not waited for: while it
        // is being made, the handlers are installed now and an ignored signal is taken over once it is made.
        boolean later = !NativeBinding.bound();
        if (!later) {
            restoreDefaults(Stop.SIGNALS);
        }
        trap.install();
        if (later) {
            NativeBinding.whenSettled(trap);
        }
        return trap;
    }

    private static void restoreDefaults(Signal... signals) {
        for (Signal s : signals) {
            LibC.signal(s.getNumber(), null);
        }
    }

    /**
     * The handler (a class, not lambdas: each lambda linked as a run attaches delayed its first sample), the handles
     * it replaced, and the late take-over of an ignored signal (run when the binding is made).
     */
    private static final class Trap implements SignalHandler, Handle, Runnable {
        private final IntConsumer onSignal;
        private final SignalHandler[] previous = new SignalHandler[Stop.SIGNALS.length];
        private boolean closed;

        Trap(IntConsumer onSignal) {
            this.onSignal = onSignal;
        }

        void install() {
            for (int i = 0; i < Stop.SIGNALS.length; i++) {
                previous[i] = Signal.handle(Stop.SIGNALS[i], this);
            }
        }

        @Override
        public void handle(Signal sig) {
            onSignal.accept(sig.getNumber());
        }

        /** Once bound: a signal that was ignored (and so not taken) has its default restored and is taken. */
        @Override
        public synchronized void run() {
            for (int i = 0; i < Stop.SIGNALS.length && !closed; i++) {
                if (previous[i] == SignalHandler.SIG_IGN && NativeBinding.bound()) {
                    restoreDefaults(Stop.SIGNALS[i]);
                    Signal.handle(Stop.SIGNALS[i], this);
                }
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < Stop.SIGNALS.length; i++) {
                Signal.handle(Stop.SIGNALS[i], previous[i]);
            }
            // Nothing left to take over: a tool about to exit must not make the binding for this (tens of ms).
            NativeBinding.forget(this);
        }
    }

    /** Sends signal {@code sig} to process {@code pid}; false if it could not be delivered (e.g. it has ended). */
    public static boolean send(int pid, int sig) {
        return pid > 0 && LibC.available() && LibC.kill(pid, sig) == 0;
    }
}
