package io.austin.bin;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's model of a command built by hand, for the sampler's two personalities, whose start-up is the target's
 * wait: an annotated command costs a JVM start about 70 ms more (the JVM generates a proxy class for each annotation
 * type, and picocli reads every field and method reflectively). Each option hands its value to a field of the
 * command, named, through the command's {@link Fields} (one class: a lambda per option, each linked as the JVM
 * starts, cost the sampler's start-up about 5 ms), in the order the options are added, which is the order the help
 * lists them.
 */
final class CommandModel {
    /** Where the options' values go: the command's fields, by the names given to the options. */
    interface Fields {
        /** Sets the field {@code field} to {@code value} (a Boolean, String, Integer, or a list of strings). */
        void assign(String field, Object value);
    }

    private final CommandSpec spec;
    private final Fields fields;

    /** The model of {@code command}, named {@code name}, with no option yet; values go to {@code fields}. */
    CommandModel(Object command, Fields fields, String name) {
        this.fields = fields;
        spec = CommandSpec.wrapWithoutInspection(command, QuickFactory.INSTANCE).name(name);
        spec.usageMessage().sortOptions(false);
    }

    /** The model, for the usage message and the parser settings. */
    CommandSpec spec() {
        return spec;
    }

    /** A command line for the model, without picocli's default factory. */
    CommandLine commandLine() {
        return new CommandLine(spec, QuickFactory.INSTANCE);
    }

    /** A switch without a value, into the boolean {@code field} (none: the value goes nowhere). */
    CommandModel flag(String description, String field, String... names) {
        spec.addOption(bind(option(names, description).arity("0").type(boolean.class).initialValue(Boolean.FALSE),
                field).build());
        return this;
    }

    /** An option with a value, kept as its text (the command parses it and words its own errors). */
    CommandModel text(String label, String description, String field, String... names) {
        spec.addOption(bind(option(names, description).arity("1").type(String.class).paramLabel(label), field)
                .build());
        return this;
    }

    /** An option with a whole number, {@code initial} when absent. */
    CommandModel number(String label, String description, int initial, String field, String... names) {
        spec.addOption(bind(option(names, description).arity("1").type(int.class).paramLabel(label)
                .initialValue(initial), field).build());
        return this;
    }

    /** {@code --debug}, as {@link DebugMixin} gives the annotated tools. */
    CommandModel debug() {
        return flag(DebugMixin.DESCRIPTION, null, "--debug");
    }

    /** The option that prints the help ({@code -?, --help}). */
    CommandModel usageHelp(String description, String... names) {
        spec.addOption(option(names, description).arity("0").type(boolean.class).usageHelp(true).build());
        return this;
    }

    /** The option that prints the version ({@code -V, --version}). */
    CommandModel versionHelp(String description, String... names) {
        spec.addOption(option(names, description).arity("0").type(boolean.class).versionHelp(true).build());
        return this;
    }

    /** The hidden positional parameters: the command to run and its arguments, a list (empty when none). */
    CommandModel command(String field) {
        Binding binding = new Binding(fields, field, true);
        spec.addPositional(PositionalParamSpec.builder().paramLabel("command").arity("0..*").hidden(true)
                .type(List.class).auxiliaryTypes(String.class).description("The command to run, with its arguments.")
                .getter(binding).setter(binding).build());
        return this;
    }

    private static OptionSpec.Builder option(String[] names, String description) {
        return OptionSpec.builder(names).description(description);
    }

    /** {@code builder} with its value handed to the command's {@code field}. */
    private OptionSpec.Builder bind(OptionSpec.Builder builder, String field) {
        Binding binding = new Binding(fields, field, false);
        return builder.getter(binding).setter(binding);
    }

    /** Keeps a value for picocli (which reads it back for lists and defaults) and hands it to the command. */
    private static final class Binding implements IGetter, ISetter {
        private final Fields to;
        private final String field;
        private final boolean list;
        private Object value;

        Binding(Fields to, String field, boolean list) {
            this.to = to;
            this.field = field;
            this.list = list;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V newValue) {
            Object old = value;
            value = newValue;
            if (field != null) {
                to.assign(field, list && newValue == null ? new ArrayList<String>() : newValue);
            }
            return (V) old;
        }
    }

    /**
     * picocli's factory, but a list for the command's arguments is made here: picocli's default factory probes for
     * Groovy as it starts (a failed class lookup, about 3 ms), and the sampler's commands need nothing else from it.
     */
    private enum QuickFactory implements CommandLine.IFactory {
        INSTANCE;

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == List.class) {
                return cls.cast(new ArrayList<String>());
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
