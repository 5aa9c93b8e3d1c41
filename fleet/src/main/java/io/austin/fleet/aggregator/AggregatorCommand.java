package io.austin.fleet.aggregator;

import io.austin.fleet.SignalStop;
import io.austin.fleet.store.ProfileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code austin-aggregator}: the Kafka Streams application that merges windows into per-minute profiles. */
@Command(name = "austin-aggregator", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = io.austin.fleet.FleetMain.Version.class,
        description = {"Merges the agents' windows per service, mode and minute (by the windows' own time, so that "
                + "windows sent late after a broker outage still count, up to --grace) and writes each minute to "
                + "PostgreSQL as one row with the merged profile (gzip pprof) and its totals, replacing the row as "
                + "more windows arrive. Exactly-once processing. Creates the windows topic when it is missing. Runs "
                + "until SIGTERM or SIGINT. Several instances with the same --application-id share the work by "
                + "partition."},
        footer = {"Exit status: 0 stopped by a signal; 64 bad option; 70 internal error (the store or Kafka)."})
public final class AggregatorCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka's bootstrap "
            + "servers.")
    String bootstrap;

    @Option(names = "--db", required = true, paramLabel = "JDBC_URL", description = "The PostgreSQL database, e.g. "
            + "jdbc:postgresql://db:5432/austin?user=austin&password=...")
    String db;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The windows topic (default: ${DEFAULT-VALUE}).")
    String topic = "austin.windows";

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the windows topic when it is "
            + "created here (default: ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(names = "--application-id", paramLabel = "ID", description = "The Streams application id (default: "
            + "${DEFAULT-VALUE}).")
    String applicationId = "austin-aggregator";

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Local state (default: a folder in the "
            + "temporary directory).")
    Path stateDir;

    @Option(names = "--grace", paramLabel = "MINUTES", description = "How late a window may come and still count "
            + "(default: ${DEFAULT-VALUE}).")
    int grace = 60;

    @Option(names = "--retention", paramLabel = "DAYS", description = "Rows older than this are deleted, checked "
            + "every minute; 0 keeps everything (default: ${DEFAULT-VALUE}).")
    int retention = 30;

    @Option(names = "--streams", paramLabel = "KEY=VALUE", description = "A Kafka Streams setting (repeatable).")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (grace < 0 || retention < 0) {
            throw new IllegalArgumentException("--grace and --retention must not be negative");
        }
        createTopic();
        Path state = stateDir != null ? stateDir
                : Path.of(System.getProperty("java.io.tmpdir"), "austin-aggregator-" + applicationId);
        SignalStop signals = new SignalStop(60_000);
        try (ProfileStore store = new ProfileStore(db);
                Aggregator aggregator = new Aggregator(new Aggregator.Config(bootstrap, topic, applicationId, state,
                        Duration.ofMinutes(grace), settings), store)) {
            aggregator.start();
            System.err.println("austin-aggregator: merging " + topic + " at " + bootstrap + " into " + redact(db));
            long nextPurge = 0;
            while (!signals.await(1_000)) {
                if (retention > 0 && System.currentTimeMillis() >= nextPurge) {
                    nextPurge = System.currentTimeMillis() + 60_000;
                    synchronized (store) {
                        int n = store.deleteBefore(Instant.now().minus(Duration.ofDays(retention)));
                        if (n > 0) {
                            System.err.println("austin-aggregator: deleted " + n + " rows older than " + retention
                                    + " days");
                        }
                    }
                }
                if (aggregator.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
                    System.err.println("austin-aggregator: the Streams application failed; see the log above");
                    return signals.finished(70);
                }
            }
            long[] c = aggregator.counts();
            System.err.println("austin-aggregator: " + c[0] + " windows merged, " + c[1] + " rows written, " + c[2]
                    + " duplicate windows dropped");
        } catch (Exception e) {
            signals.finished(70);
            throw e;
        }
        return signals.finished(0);
    }

    private void createTopic() throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the topic " + topic + ": " + e.getCause().getMessage(),
                        e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + bootstrap + " within 60 s", e);
        }
    }

    /** The JDBC URL without its password. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
