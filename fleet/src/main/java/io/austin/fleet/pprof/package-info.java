/**
 * pprof profiles for the fleet: {@link io.austin.fleet.pprof.PprofMerger} merges agents' windows into minutes and
 * minutes into longer ranges, {@link io.austin.fleet.pprof.PprofEvents} turns a profile back into Austin's events so
 * that the converters can render it.
 */
package io.austin.fleet.pprof;
