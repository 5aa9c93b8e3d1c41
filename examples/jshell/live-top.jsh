// Sample a running Python process for 5 seconds in CPU mode and print its 5 hottest functions every second
// (the sample stream cut into one-second windows, each aggregated on the fly). Needs the right to trace the process.
// PID=1234 austin-jshell examples/jshell/live-top.jsh
var options = SamplerOptions.defaults().withMode(Mode.CPU).withInterval(Duration.ofMillis(1));
Sampler.attach(Integer.parseInt(System.getenv("PID")), options).
        take(Duration.ofSeconds(5)). // then detach; the process goes on
        transform(Profiles.windowed(Duration.ofSeconds(1))).
        doOnNext(window -> {
            long total = window.total(0);
            System.out.printf("%n%d ms of CPU in %d samples%n%7s %7s  %s%n", total / 1000, window.samples(),
                    "OWN", "TOTAL", "FUNCTION");
            for (var f : FunctionStats.top(window, 0, 5)) {
                System.out.printf("%6.2f%% %6.2f%%  %s (%s)%n", f.selfPercent(total), f.totalPercent(total),
                        f.scope(), f.where());
            }
        }).
        blockLast();
/exit
