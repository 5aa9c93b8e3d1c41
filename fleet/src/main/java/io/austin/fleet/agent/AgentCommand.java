package io.austin.fleet.agent;

import io.austin.fleet.SignalStop;
import io.austin.formats.Mode;
import io.austin.sampler.SamplerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code austin-agent}: continuous sampling of one service's processes on this host, windows published to Kafka. */
@Command(name = "austin-agent", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = io.austin.fleet.FleetMain.Version.class,
        description = {"Samples the Python processes of one service on this host continuously and publishes, for "
                + "every process and every window (aligned to multiples of --window), its profile as gzip pprof to "
                + "a Kafka topic, keyed by the service and labelled with the host, the process, the mode, the "
                + "Python version and the window's start and end. Processes come and go without a restart: those "
                + "matching --match are looked for every 2 s; a process that ends publishes its last window. When "
                + "the broker is unreachable, windows wait in a bounded buffer (the oldest dropped and counted) and "
                + "are sent when it is back; sampling never waits. SIGTERM or SIGINT: the open windows are "
                + "published, the buffer sent (up to --drain), and the counts written."},
        footer = {"Exit status: 0 stopped by a signal, or every process ended (without --match); 64 bad option; "
                + "69 windows left unsent at the end; 70 internal error."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service's name.")
    String service;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "A process to sample (repeatable).")
    List<Integer> pids = new ArrayList<>();

    @Option(names = {"-C", "--children"}, description = "Sample the Python children of the -p processes too (a "
            + "supervisor and its workers).")
    boolean children;

    @Option(names = "--match", paramLabel = "REGEX", description = "Sample every process whose command line "
            + "contains a match, now and later.")
    String match;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka's bootstrap "
            + "servers.")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The windows topic (default: ${DEFAULT-VALUE}).")
    String topic = "austin.windows";

    @Option(names = "--otlp-topic", paramLabel = "TOPIC", description = "Publish every window as OTLP profiles "
            + "too (an ExportProfilesServiceRequest of opentelemetry-proto 1.11.0, profiles v1development) to this "
            + "topic: the OpenTelemetry Collector's Kafka receiver reads otlp_profiles with encoding otlp_proto.")
    String otlpTopic;

    @Option(names = "--window", paramLabel = "SECONDS", description = "The window length in seconds, a divisor of "
            + "60 (default: ${DEFAULT-VALUE}).")
    int window = 10;

    @Option(names = {"-i", "--interval"}, paramLabel = "MS", description = "Sampling interval in milliseconds "
            + "(default: ${DEFAULT-VALUE}, 100 samples a second per thread).")
    int interval = 10;

    @Option(names = "--mode", paramLabel = "MODE", description = "wall, cpu, memory or full (default: "
            + "${DEFAULT-VALUE}).")
    String mode = "wall";

    @Option(names = "--host", paramLabel = "NAME", description = "The host label (default: this host's name).")
    String host;

    @Option(names = "--buffer", paramLabel = "WINDOWS", description = "Windows kept while the broker is "
            + "unreachable (default: ${DEFAULT-VALUE}); beyond, the oldest are dropped and counted.")
    int buffer = 10_000;

    @Option(names = "--drain", paramLabel = "SECONDS", description = "At the end, how long to wait for the broker "
            + "to take the buffered windows (default: ${DEFAULT-VALUE}).")
    int drain = 30;

    @Option(names = "--stats", paramLabel = "FILE", description = "At the end, write the counts there as JSON: per "
            + "service the windows and samples acknowledged by the broker and those dropped.")
    Path stats;

    @Option(names = "--producer", paramLabel = "KEY=VALUE", description = "A Kafka producer setting (repeatable).")
    Map<String, String> producerSettings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (pids.isEmpty() && match == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "give -p PID or --match REGEX");
        }
        if (window <= 0 || 60 % window != 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--window must divide 60: " + window);
        }
        Mode sampling = Mode.of(mode);
        if (sampling == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--mode must be wall, cpu, memory or "
                    + "full: " + mode);
        }
        Pattern pattern;
        try {
            pattern = match == null ? null : Pattern.compile(match);
        } catch (PatternSyntaxException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "bad --match: " + e.getDescription());
        }
        SamplerOptions options = SamplerOptions.defaults().withInterval(Duration.ofMillis(interval))
                .withMode(sampling);
        String hostName = host != null ? host : InetAddress.getLocalHost().getHostName();
        Agent agent = new Agent(new Agent.Config(service, hostName, pids, pattern, children,
                Duration.ofSeconds(window), options, otlpTopic != null),
                new WindowSender(producer(), topic, otlpTopic, buffer));
        SignalStop signals = new SignalStop(Long.MAX_VALUE);
        agent.start();
        System.err.println("austin-agent: sampling service " + service + " on " + hostName + ", windows of "
                + window + " s to " + topic + (otlpTopic != null ? " and, as OTLP profiles, " + otlpTopic : "")
                + " at " + bootstrap);
        // Without --match, the agent ends with its last process.
        while (!signals.await(500)) {
            if (pattern == null && agent.sampling() == 0) {
                break;
            }
        }
        int unsent = agent.stop(drain * 1000L);
        writeStats(agent.stats(), unsent);
        agent.close();
        return signals.finished(unsent > 0 ? 69 : 0);
    }

    private KafkaProducer<String, byte[]> producer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true); // a retried window is never stored twice
        c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // The producer retries through a short outage; a send it cannot finish in 20 s fails, and its window goes back
        // to the buffer to be resent. Shorter than --drain's default 30 s: a broker that lost records in an unclean
        // restart answers OUT_OF_ORDER_SEQUENCE_NUMBER to the producer's retries until this time-out (seen in FleetIT:
        // with 120 s the agent ended with a window unsent); after it the producer resends with a new epoch.
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000); // the sender thread only: sampling never blocks
        c.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "austin-agent-" + service);
        c.putAll(producerSettings);
        return new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    }

    private void writeStats(WindowSender.Stats s, int left) throws IOException {
        StringBuilder json = new StringBuilder("{\"services\": {");
        boolean first = true;
        java.util.Set<String> names = new java.util.TreeSet<>(s.acked().keySet());
        names.addAll(s.dropped().keySet());
        for (String name : names) {
            long[] a = s.acked().getOrDefault(name, new long[3]);
            long[] d = s.dropped().getOrDefault(name, new long[2]);
            json.append(first ? "" : ", ").append('"').append(name.replace("\"", "\\\"")).append("\": {")
                    .append("\"windows\": ").append(a[0]).append(", \"samples\": ").append(a[1])
                    .append(", \"bytes\": ").append(a[2])
                    .append(", \"droppedWindows\": ").append(d[0]).append(", \"droppedSamples\": ").append(d[1])
                    .append('}');
            first = false;
            System.err.println("austin-agent: " + name + ": " + a[0] + " windows (" + a[1] + " samples) "
                    + "acknowledged, " + d[0] + " dropped");
        }
        json.append("}, \"unsent\": ").append(left).append("}\n");
        if (stats != null) {
            Path tmp = stats.resolveSibling(stats.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, stats, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
