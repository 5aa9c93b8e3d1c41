package io.austin.fleet.query;

import io.austin.converters.Conversions;
import io.austin.converters.Profiles;
import io.austin.converters.html.HtmlOptions;
import io.austin.converters.profile.Profile;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.fleet.pprof.PprofEvents;
import io.austin.fleet.pprof.PprofMerger;
import io.austin.fleet.store.ProfileStore;
import io.austin.formats.ProfileEvent;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;

/** {@code austin-query}: a service's profile over a time range, from the aggregator's store. */
@Command(name = "austin-query", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = io.austin.fleet.FleetMain.Version.class,
        description = {"What was a service doing between two times, across all its hosts: merges the per-minute "
                + "profiles of --service whose minute starts in [--from, --to), keeps the samples of the --label "
                + "filters, and writes the result as pprof (gzip), speedscope JSON, collapsed text or an HTML flame "
                + "graph; --diff-from/--diff-to makes the HTML a diff of that earlier range (the base) against this "
                + "one. Times: now, -10m, -2h, 14:00 (today), 2026-11-30T14:00 (local), 2026-11-30T14:00:00Z."},
        footer = {"Exit status: 0 done; 1 no profile in the range; 64 bad option; 70 internal error (the store)."})
public final class QueryCommand implements Callable<Integer> {
    /** The output formats. */
    enum Format { pprof, speedscope, collapsed, html }

    @Option(names = "--db", required = true, paramLabel = "JDBC_URL", description = "The aggregator's database.")
    String db;

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service.")
    String service;

    @Option(names = "--from", paramLabel = "TIME", description = "Start of the range (default: ${DEFAULT-VALUE}).")
    String from = "-1h";

    @Option(names = "--to", paramLabel = "TIME", description = "End of the range (default: ${DEFAULT-VALUE}).")
    String to = "now";

    @Option(names = "--mode", paramLabel = "MODE", description = "Only this sampling mode (wall, cpu, memory, full); "
            + "needed when the range has several.")
    String mode;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Keep only the samples with this label "
            + "(repeatable): host, Process ID, Thread ID.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "pprof, speedscope, collapsed or html "
            + "(default: ${DEFAULT-VALUE}).")
    Format format = Format.pprof;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: standard "
            + "output).")
    Path output;

    @Option(names = "--diff-from", paramLabel = "TIME", description = "With --diff-to: the base range of an HTML "
            + "diff.")
    String diffFrom;

    @Option(names = "--diff-to", paramLabel = "TIME", description = "With --diff-from: the end of the base range.")
    String diffTo;

    @Option(names = "--totals", description = "Print the totals as one line of JSON instead of the profile.")
    boolean totals;

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        Instant start = Times.parse(from, now, zone);
        Instant end = Times.parse(to, now, zone);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        if ((diffFrom == null) != (diffTo == null)) {
            throw new IllegalArgumentException("--diff-from and --diff-to go together");
        }
        if (diffFrom != null && format != Format.html) {
            throw new IllegalArgumentException("a diff is an HTML page: add --format html");
        }
        byte[] profile;
        byte[] base = null;
        int minutes;
        try (ProfileStore store = new ProfileStore(db)) {
            List<ProfileStore.Row> rows = store.query(service, start, end, mode);
            minutes = rows.size();
            profile = merged(rows);
            if (diffFrom != null) {
                base = merged(store.query(service, Times.parse(diffFrom, now, zone), Times.parse(diffTo, now, zone),
                        mode));
            }
        }
        if (profile == null) {
            System.err.println("austin-query: no profile of " + service + (mode == null ? "" : " in " + mode + " mode")
                    + " between " + start + " and " + end);
            return 1;
        }
        if (!labels.isEmpty()) {
            profile = PprofMerger.filter(profile, labels);
            base = base == null ? null : PprofMerger.filter(base, labels);
        }
        if (totals) {
            PprofMerger m = new PprofMerger();
            m.add(profile, Map.of());
            StringBuilder json = new StringBuilder("{\"service\": \"").append(service.replace("\"", "\\\""))
                    .append("\", \"from\": \"").append(start).append("\", \"to\": \"").append(end)
                    .append("\", \"minutes\": ").append(minutes).append(", \"types\": [");
            List<String> types = m.sampleTypes();
            long[] sums = m.totals();
            for (int i = 0; i < types.size(); i++) {
                json.append(i == 0 ? "" : ", ").append('"').append(types.get(i)).append('"');
            }
            json.append("], \"totals\": [");
            for (int i = 0; i < sums.length; i++) {
                json.append(i == 0 ? "" : ", ").append(sums[i]);
            }
            System.out.println(json.append("]}"));
            return 0;
        }
        try (OutputStream out = new BufferedOutputStream(output == null
                ? new FileOutputStream(FileDescriptor.out) : Files.newOutputStream(output), 1 << 16)) {
            write(profile, base, out);
        }
        return 0;
    }

    /** The rows' profiles merged, as gzip pprof; null when there is none. */
    private static byte[] merged(List<ProfileStore.Row> rows) {
        if (rows.isEmpty()) {
            return null;
        }
        String mode = rows.get(0).mode();
        for (ProfileStore.Row r : rows) {
            if (!r.mode().equals(mode)) {
                throw new IllegalArgumentException("the range has profiles in " + mode + " and " + r.mode()
                        + " mode: choose one with --mode");
            }
        }
        PprofMerger m = new PprofMerger();
        for (ProfileStore.Row r : rows) {
            m.add(r.pprof(), Map.of());
        }
        return m.toBytes(true);
    }

    private void write(byte[] profile, byte[] base, OutputStream out) throws IOException {
        if (format == Format.pprof) {
            out.write(profile);
            return;
        }
        List<ProfileEvent> events = PprofEvents.events(profile);
        Function<Flux<ProfileEvent>, Flux<byte[]>> step = switch (format) {
            case speedscope -> Conversions.toSpeedscope(SpeedscopeOptions.defaults());
            case collapsed -> Conversions.toCollapsed(CollapsedWriter.Layout.AUSTIN);
            case html -> base == null ? Conversions.toHtml(HtmlOptions.defaults())
                    : Conversions.toHtmlDiff(profileOf(PprofEvents.events(base)), HtmlOptions.defaults());
            default -> throw new IllegalStateException();
        };
        Flux.fromIterable(events).as(Conversions.writeTo(step, out)).block();
    }

    private static Profile profileOf(List<ProfileEvent> events) {
        return Flux.fromIterable(events).as(Profiles.aggregate()).block();
    }
}
