/**
 * Building blocks shared by the converters: sample assembly, frame and stack tables, spill storage. Public only
 * because several converter packages use them; <b>not API</b>, they may change without notice.
 */
package io.austin.converters.internal;
