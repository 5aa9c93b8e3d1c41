// One collapsed-text profile per thread: OUT/<pid>-<tid>.austin, each with the run's header and footer.
// IN=profile.mojo OUT=folder austin-jshell examples/jshell/split.jsh
var dir = Files.createDirectories(Path.of(System.getenv("OUT")));
void close(java.io.Closeable c) { try { c.close(); } catch (IOException e) { throw new UncheckedIOException(e); } }
Conversions.readProfile(() -> Files.newInputStream(Path.of(System.getenv("IN"))), Compat.NONE).
        transform(Profiles.split(Sample::thread)).
        flatMap(thread -> Mono.using(
                () -> Files.newOutputStream(dir.resolve(thread.key().pid() + "-" + thread.key().textTid() + ".austin")),
                out -> thread.as(Conversions.writeTo(Conversions.toCollapsed(CollapsedWriter.Layout.AUSTIN), out)),
                out -> close(out)),
                Integer.MAX_VALUE). // every thread's file is written at once
        blockLast();
try (var files = Files.list(dir)) { files.sorted().forEach(System.out::println); }
/exit
