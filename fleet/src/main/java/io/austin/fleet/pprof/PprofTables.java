package io.austin.fleet.pprof;

import io.austin.converters.pprof.proto.Function;
import io.austin.converters.pprof.proto.Label;
import io.austin.converters.pprof.proto.Line;
import io.austin.converters.pprof.proto.Location;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.Sample;
import java.util.HashMap;
import java.util.Map;

/**
 * One pprof profile's tables by id, for the merger and the reader alike: its strings, locations and functions, each
 * lookup checked (a reference outside its table is an IllegalArgumentException that names it).
 */
final class PprofTables {
    private final Profile p;
    private final Map<Long, Location> locations = new HashMap<>();
    private final Map<Long, Function> functions = new HashMap<>();

    PprofTables(Profile p) {
        this.p = p;
        for (Function f : p.getFunctionList()) {
            functions.put(f.getId(), f);
        }
        for (Location l : p.getLocationList()) {
            locations.put(l.getId(), l);
        }
    }

    String string(long index) {
        if (index == 0 && p.getStringTableCount() == 0) {
            return "";
        }
        if (index < 0 || index >= p.getStringTableCount()) {
            throw new IllegalArgumentException("pprof string index " + index + " is outside the string table ("
                    + p.getStringTableCount() + " strings)");
        }
        return p.getStringTable((int) index);
    }

    Location location(long id) {
        Location l = locations.get(id);
        if (l == null) {
            throw new IllegalArgumentException("a pprof sample refers to location " + id + ", which is missing");
        }
        return l;
    }

    Function function(long id) {
        Function f = functions.get(id);
        if (f == null) {
            throw new IllegalArgumentException("a pprof location refers to function " + id + ", which is missing");
        }
        return f;
    }

    /** Checks every reference the merge will follow, so that a bad profile is rejected before any change. */
    void validate(int valueCount) {
        for (Function f : p.getFunctionList()) {
            string(f.getName());
            string(f.getFilename());
            string(f.getSystemName());
        }
        for (Location l : p.getLocationList()) {
            for (Line line : l.getLineList()) {
                function(line.getFunctionId());
            }
        }
        string(p.getDefaultSampleType());
        if (p.hasPeriodType()) {
            string(p.getPeriodType().getType());
            string(p.getPeriodType().getUnit());
        }
        for (Sample s : p.getSampleList()) {
            if (s.getValueCount() != valueCount) {
                throw new IllegalArgumentException("a pprof sample has " + s.getValueCount()
                        + " values for " + valueCount + " sample types");
            }
            for (int i = 0; i < s.getLocationIdCount(); i++) {
                location(s.getLocationId(i));
            }
            for (Label l : s.getLabelList()) {
                string(l.getKey());
                string(l.getStr());
                string(l.getNumUnit());
            }
        }
    }
}
