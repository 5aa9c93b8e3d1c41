package io.austin.fleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.fleet.FleetTools;
import io.austin.fleet.KafkaBroker;
import io.austin.fleet.WindowHeaders;
import io.austin.fleet.kafka.KafkaFlux;
import io.austin.sampler.Pythons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code austin-agent -p SUPERVISOR -C}: a Python parent that starts Python workers; the agent publishes windows of
 * each worker, labelled with the worker's own PID and Python version, read back from the topic.
 */
class AgentSupervisorIT {
    @TempDir
    Path tmp;

    @Test
    void aSupervisorsWorkersAreSampledWithTheirOwnLabels() throws Exception {
        assumeTrue(FleetTools.built(), "the fleet jar is built by 'package'");
        Path pids = tmp.resolve("pids");
        Process supervisor = null;
        try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            broker.createTopic("austin.windows", 1);
            supervisor = new ProcessBuilder(Pythons.any().path().toString(), "-S",
                    Pythons.target("children.py").toString(), pids.toString(), "8").redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("supervisor.log").toFile()).start();
            Process agent = FleetTools.start(tmp.resolve("agent.log"), FleetTools.tool("austin-agent"),
                    "--service", "jobs", "-p", Long.toString(supervisor.pid()), "-C", "--bootstrap",
                    broker.bootstrap(), "--window", "1");
            try {
                // Without --match, the agent ends with its last process: the supervisor's end.
                assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent ends with the supervisor");
                assertEquals(0, agent.exitValue(), Files.readString(tmp.resolve("agent.log")));
            } finally {
                agent.destroyForcibly();
            }
            List<String> children = new ArrayList<>();
            for (String pid : Files.readString(pids).strip().split("\\s+")) {
                children.add(pid);
            }
            assertEquals(3, children.size(), "the supervisor's workers: " + children);
            Set<String> seen = new TreeSet<>();
            Set<String> pythons = new TreeSet<>();
            KafkaFlux.receive(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                    ConsumerConfig.GROUP_ID_CONFIG, "supervisor-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest"), List.of("austin.windows"), new StringDeserializer(), new ByteArrayDeserializer())
                    .take(Duration.ofSeconds(10))
                    .doOnNext(r -> {
                        assertEquals("jobs", r.key());
                        seen.add(WindowHeaders.get(r.headers(), WindowHeaders.PID));
                        pythons.add(WindowHeaders.get(r.headers(), WindowHeaders.PYTHON));
                    })
                    .takeUntil(r -> seen.containsAll(children))
                    .blockLast(Duration.ofSeconds(20));
            assertTrue(seen.containsAll(children), "windows of every worker " + children + ", got " + seen
                    + "; the agent's log:\n" + Files.readString(tmp.resolve("agent.log")));
            assertEquals(Set.of(Pythons.any().label()), pythons, "each window names its Python");
        } finally {
            if (supervisor != null) {
                supervisor.destroyForcibly().waitFor();
            }
        }
    }
}
