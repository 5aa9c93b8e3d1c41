package io.austin.fleet;

import io.austin.fleet.agent.AgentCommand;
import io.austin.fleet.aggregator.AggregatorCommand;
import io.austin.fleet.query.QueryCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Entry point of austin-fleet.jar: runs the tool named by the {@code austin.tool} property (the launchers set it) or
 * by the first argument: {@code austin-agent}, {@code austin-aggregator} or {@code austin-query}.
 */
public final class FleetMain {
    private static final Map<String, Supplier<Object>> TOOLS = Map.of(
            "austin-agent", AgentCommand::new,
            "austin-aggregator", AggregatorCommand::new,
            "austin-query", QueryCommand::new);

    private FleetMain() {
    }

    /** The tools' version: the project's. */
    public static final class Version implements CommandLine.IVersionProvider {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public String[] getVersion() {
            return new String[] {spec.name() + " " + project()};
        }

        static String project() {
            try (InputStream in = FleetMain.class.getResourceAsStream("version.properties")) {
                Properties p = new Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

    public static void main(String[] args) {
        // Kafka's clients log through SLF4J: warnings and errors only, on standard error.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(run(args));
    }

    /** Runs a tool; returns its exit status. */
    public static int run(String... args) {
        String tool = System.getProperty("austin.tool", "");
        String[] rest = args;
        if (tool.isEmpty()) {
            if (args.length == 0 || !TOOLS.containsKey(args[0])) {
                System.err.println("usage: java -jar austin-fleet.jar TOOL [ARGS...]; tools: austin-agent, "
                        + "austin-aggregator, austin-query");
                return 64;
            }
            tool = args[0];
            rest = Arrays.copyOfRange(args, 1, args.length);
        }
        Supplier<Object> factory = TOOLS.get(tool);
        if (factory == null) {
            System.err.println("unknown tool " + tool);
            return 64;
        }
        CommandLine cl = new CommandLine(factory.get());
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println(c.getCommandName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (Boolean.getBoolean("austin.debug")) {
                ex.printStackTrace(c.getErr());
            }
            return ex instanceof IllegalArgumentException ? 64 : 70;
        });
        return cl.execute(rest);
    }
}
