package io.austin.fleet.agent;

/**
 * One process's profile over one window, ready to publish.
 *
 * @param service the service it belongs to
 * @param host    the host it runs on
 * @param pid     the process
 * @param mode    the sampling mode (wall, cpu, memory, full)
 * @param python  the process's Python version, or "" when unknown
 * @param start   the window's start, milliseconds since the epoch (a multiple of the window length)
 * @param end     the window's end (the next multiple, or earlier for the last window of a process or a run)
 * @param samples the samples in it
 * @param pprof   the samples as a gzip pprof profile
 * @param otlp    the samples as a serialized OTLP {@code ExportProfilesServiceRequest}, or null when not wanted
 */
public record Window(String service, String host, int pid, String mode, String python, long start, long end,
        long samples, byte[] pprof, byte[] otlp) {
}
