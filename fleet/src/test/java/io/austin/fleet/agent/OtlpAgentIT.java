package io.austin.fleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.austin.fleet.FleetTools;
import io.austin.fleet.KafkaBroker;
import io.austin.fleet.WindowHeaders;
import io.austin.fleet.kafka.KafkaFlux;
import io.austin.sampler.Pythons;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.Profile;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code austin-agent --otlp-topic}: a real Python process sampled by the agent's launcher against a real broker;
 * every window is on both topics, the OTLP records hold exactly the samples the agent reports acknowledged, and an
 * independent reader, protoc decoding against the schema's own {@code .proto} files, reads them as the Collector's
 * Kafka receiver must (an {@code ExportProfilesServiceRequest}, encoding {@code otlp_proto}).
 */
class OtlpAgentIT {
    private static final String OTLP = "otlp_profiles";
    private static final String REQUEST = "opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest";

    @TempDir
    Path tmp;

    @Test
    void everyWindowIsPublishedAsOtlpProfilesThatTheSchemaReads() throws Exception {
        assumeTrue(FleetTools.built(), "the fleet jar is built by 'package'");
        Path stats = tmp.resolve("stats.json");
        List<ConsumerRecord<String, byte[]>> windows = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> otlp = new ArrayList<>();
        long acked;
        try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            broker.createTopic("austin.windows", 1);
            broker.createTopic(OTLP, 1);
            Process target = new ProcessBuilder(Pythons.any().path().toString(), "-S",
                    Pythons.target("shares.py").toString(), "4").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Process agent = FleetTools.start(tmp.resolve("agent.log"), FleetTools.tool("austin-agent"),
                    "--service", "api", "--host", "host-a", "-p", Long.toString(target.pid()), "--bootstrap",
                    broker.bootstrap(), "--window", "1", "--otlp-topic", OTLP, "--stats", stats.toString());
            try {
                assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent ends with its process");
                assertEquals(0, agent.exitValue(), Files.readString(tmp.resolve("agent.log")));
            } finally {
                agent.destroyForcibly();
                target.destroyForcibly().waitFor();
            }
            JsonNode counts = new ObjectMapper().readTree(stats.toFile()).path("services").path("api");
            acked = counts.path("samples").asLong();
            long ackedWindows = counts.path("windows").asLong();
            assertTrue(ackedWindows >= 3 && acked > 100, "windows and samples acknowledged: " + counts);
            windows.addAll(read(broker, "austin.windows", ackedWindows));
            otlp.addAll(read(broker, OTLP, ackedWindows));
            assertEquals(ackedWindows, windows.size(), "pprof windows");
            assertEquals(ackedWindows, otlp.size(), "OTLP windows, one per pprof window");
        }

        long samples = 0;
        Map<String, Long> perWindow = new HashMap<>();
        for (ConsumerRecord<String, byte[]> w : windows) {
            perWindow.put(WindowHeaders.get(w.headers(), WindowHeaders.START),
                    Long.parseLong(WindowHeaders.get(w.headers(), WindowHeaders.SAMPLES)));
        }
        for (ConsumerRecord<String, byte[]> r : otlp) {
            assertEquals("api", r.key());
            ExportProfilesServiceRequest request = ExportProfilesServiceRequest.parseFrom(r.value());
            ProfilesDictionary d = request.getDictionary();
            assertEquals("", d.getStringTable(0), "the string table starts with the empty string");
            Map<String, String> resource = new HashMap<>();
            for (KeyValue kv : request.getResourceProfiles(0).getResource().getAttributesList()) {
                resource.put(kv.getKey(), kv.getValue().hasIntValue() ? Long.toString(kv.getValue().getIntValue())
                        : kv.getValue().getStringValue());
            }
            assertEquals("api", resource.get("service.name"));
            assertEquals("host-a", resource.get("host.name"));
            assertEquals(WindowHeaders.get(r.headers(), WindowHeaders.PID), resource.get("process.pid"));
            assertEquals(Pythons.any().label(), resource.get("process.runtime.version"));
            Profile count = request.getResourceProfiles(0).getScopeProfiles(0).getProfiles(0);
            Profile wall = request.getResourceProfiles(0).getScopeProfiles(0).getProfiles(1);
            assertEquals("samples", d.getStringTable(count.getSampleType().getTypeStrindex()));
            assertEquals("wall", d.getStringTable(wall.getSampleType().getTypeStrindex()));
            long start = Long.parseLong(WindowHeaders.get(r.headers(), WindowHeaders.START));
            assertEquals(start * 1_000_000L, count.getTimeUnixNano(), "the window's start");
            long n = count.getSamplesList().stream().mapToLong(s -> s.getValues(0)).sum();
            assertEquals(perWindow.get(Long.toString(start)), n, "the window's samples, as its pprof record says");
            samples += n;
            long micros = wall.getSamplesList().stream().mapToLong(s -> s.getValues(0)).sum();
            long length = Long.parseLong(WindowHeaders.get(r.headers(), WindowHeaders.END)) - start;
            long threads = wall.getSamplesList().stream().map(s -> s.getAttributeIndices(0)).distinct().count();
            assertTrue(micros > 0 && micros <= threads * length * 1000 * 1.2, micros + " us of wall time in "
                    + length + " ms, " + threads + " threads");
        }
        assertEquals(acked, samples, "the OTLP records hold exactly the acknowledged samples");
        System.out.printf("[fleet] %d windows of 1 s, %d samples: gzip pprof %.0f bytes a window, OTLP %.0f%n",
                otlp.size(), samples, windows.stream().mapToInt(w -> w.value().length).average().orElse(0),
                otlp.stream().mapToInt(w -> w.value().length).average().orElse(0));

        // The biggest window, read by protoc against the schema's .proto files.
        ConsumerRecord<String, byte[]> biggest = otlp.stream().max((a, b) -> a.value().length - b.value().length)
                .orElseThrow();
        String text = protocDecode(biggest.value());
        assertTrue(text.contains("string_table: \"\""), "protoc reads the dictionary:\n" + head(text));
        assertTrue(text.contains("string_value: \"api\""), "and the resource:\n" + head(text));
        assertTrue(text.contains("\"ünïcode_hot\"") || text.contains("\\303\\274n\\303\\257code_hot"),
                "and the target's functions:\n" + head(text));
        assertTrue(text.contains("time_unix_nano: " + Long.parseLong(WindowHeaders.get(biggest.headers(),
                WindowHeaders.START)) * 1_000_000L), "and the profiles' times:\n" + head(text));
    }

    private static List<ConsumerRecord<String, byte[]>> read(KafkaBroker broker, String topic, long count) {
        return KafkaFlux.receive(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "otlp-it-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"), List.of(topic), new StringDeserializer(), new ByteArrayDeserializer())
                .take(count)
                .take(Duration.ofSeconds(20))
                .collectList().block(Duration.ofSeconds(30));
    }

    /** The request as protoc's text format, decoded with the .proto files of the opentelemetry-proto jar. */
    private String protocDecode(byte[] request) throws IOException, InterruptedException {
        Path protoc = Paths.get(System.getProperty("austin.protoc", "protoc"));
        assertTrue(Files.isRegularFile(protoc), "protoc resolved by the converters' build: " + protoc);
        Path exe = tmp.resolve("protoc");
        Files.copy(protoc, exe, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(exe.toFile().setExecutable(true));
        Path protos = tmp.resolve("proto");
        for (String file : List.of("collector/profiles/v1development/profiles_service.proto",
                "profiles/v1development/profiles.proto", "common/v1/common.proto", "resource/v1/resource.proto")) {
            String name = "opentelemetry/proto/" + file;
            Path to = protos.resolve(name);
            Files.createDirectories(to.getParent());
            try (InputStream in = ExportProfilesServiceRequest.class.getClassLoader().getResourceAsStream(name)) {
                assertTrue(in != null, "the schema's " + name + " in the opentelemetry-proto jar");
                Files.copy(in, to);
            }
        }
        Path input = tmp.resolve("request.bin");
        Files.write(input, request);
        Process p = new ProcessBuilder(exe.toString(), "-I", protos.toString(), "--decode=" + REQUEST,
                "opentelemetry/proto/collector/profiles/v1development/profiles_service.proto")
                .redirectInput(input.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "protoc --decode: " + head(out));
        return out;
    }

    private static String head(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
