// The imports austin-jshell loads at start-up, so that a pipeline can be typed straight away.
import java.nio.file.*;
import java.time.Duration;
import reactor.core.publisher.*;
import io.austin.formats.*;
import io.austin.sampler.*;
import io.austin.converters.*;
import io.austin.converters.profile.*;
import io.austin.converters.top.*;
import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.formats.collapsed.CollapsedWriter;
