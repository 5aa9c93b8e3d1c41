// What changed between two profiles of one program: each function's own share of its profile, before and after,
// biggest changes first (shares, so runs of different lengths compare).
// BASE=before.mojo NEW=after.mojo austin-jshell examples/jshell/diff.jsh
Profile read(String file) {
    return Conversions.readProfile(() -> Files.newInputStream(Path.of(file)), Compat.NONE).
            as(Profiles.aggregate()).block();
}
var base = read(System.getenv("BASE"));
var next = read(System.getenv("NEW"));
var shares = new HashMap<String, double[]>();
for (var f : FunctionStats.of(base, 0)) shares.computeIfAbsent(f.scope() + " (" + f.file() + ")", k -> new double[2])[0] = f.selfPercent(base.total(0));
for (var f : FunctionStats.of(next, 0)) shares.computeIfAbsent(f.scope() + " (" + f.file() + ")", k -> new double[2])[1] = f.selfPercent(next.total(0));
System.out.printf("%8s %8s %8s  %s%n", "BEFORE", "AFTER", "CHANGE", "FUNCTION");
shares.entrySet().stream().
        sorted(Comparator.comparingDouble(e -> -Math.abs(e.getValue()[1] - e.getValue()[0]))).
        limit(10).
        forEach(e -> System.out.printf("%7.2f%% %7.2f%% %+7.2f  %s%n", e.getValue()[0], e.getValue()[1],
                e.getValue()[1] - e.getValue()[0], e.getKey()));
/exit
