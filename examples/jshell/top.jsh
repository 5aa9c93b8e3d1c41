// The 10 hottest functions of a profile, with their own and total time (or memory, in memory mode).
// IN=profile.mojo austin-jshell examples/jshell/top.jsh
var profile = Conversions.readProfile(() -> Files.newInputStream(Path.of(System.getenv("IN"))), Compat.NONE).
        as(Profiles.aggregate()).block();
long total = profile.total(0);
System.out.printf("%s, %d samples%n%7s %7s  %s%n", profile.metrics().get(0).title(), profile.samples(),
        "OWN", "TOTAL", "FUNCTION");
for (var f : FunctionStats.top(profile, 0, 10)) {
    System.out.printf("%6.2f%% %6.2f%%  %s (%s)%n", f.selfPercent(total), f.totalPercent(total), f.scope(), f.where());
}
/exit
