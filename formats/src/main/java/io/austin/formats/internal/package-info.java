/**
 * Implementation helpers of the codecs (buffers, maps, number and line parsing). Not API: may change without
 * notice; use the public types of {@code io.austin.formats}.
 */
package io.austin.formats.internal;
