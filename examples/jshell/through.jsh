// Only the stacks that go through one function (a filter step), as collapsed text on standard output.
// IN=profile.mojo FUNCTION=handle_request austin-jshell examples/jshell/through.jsh
var function = System.getenv("FUNCTION");
Conversions.readProfile(() -> Files.newInputStream(Path.of(System.getenv("IN"))), Compat.NONE).
        transform(Profiles.filter(Profiles.through(frame -> frame.scope().equals(function)))).
        as(Conversions.writeTo(Conversions.toCollapsed(CollapsedWriter.Layout.PLAIN), System.out)).block();
/exit
