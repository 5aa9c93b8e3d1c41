// A MOJO (or text) profile to pprof, in three lines.
// IN=profile.mojo OUT=profile.pprof austin-jshell examples/jshell/mojo-to-pprof.jsh
try (var out = Files.newOutputStream(Path.of(System.getenv("OUT")))) {
    Conversions.readProfile(() -> Files.newInputStream(Path.of(System.getenv("IN"))), Compat.NONE).
            as(Conversions.writeTo(Conversions.toPprof(PprofOptions.defaults()), out)).block();
}
/exit
