package io.austin.sampler;

/**
 * Which Austin a run behaves as where Austin 3.7 and Austin 4 differ: the {@code austin} version in the header, the
 * header's and footer's metadata keys and their order, and what the end of the exposure ({@code -x}) means.
 */
public enum Personality {
    /**
     * Austin 3.7: {@code austin: 3.7.0}; the {@code python} version only in pipe mode; a footer of {@code duration}
     * (and {@code gc}), plus the sampling statistics in pipe mode; the exposure ends the run as the target's end does.
     */
    AUSTIN_3("3.7.0"),
    /**
     * Austin 4: {@code austin: 4.0.0}; {@code gc: on} in the header with {@code -g} and the {@code python} version
     * always (before the header in children mode); a footer of ({@code gc},) {@code count}, {@code duration} and,
     * when there were samples, {@code sampling}, {@code saturation} (long passes over passes) and {@code errors};
     * the end of the exposure stops the run as SIGINT would, so {@link Sampler.Run#stopSignal()} reports 2 and a
     * spawned target receives SIGINT.
     */
    AUSTIN_4("4.0.0");

    private final String version;

    Personality(String version) {
        this.version = version;
    }

    /** The Austin version this personality reproduces, written as the {@code austin} metadata. */
    public String version() {
        return version;
    }
}
