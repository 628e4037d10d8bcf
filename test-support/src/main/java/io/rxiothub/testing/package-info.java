/**
 * Test helpers shared by all rxiothub modules: architecture rules, leak checks, parser fuzzing, secret scanning, child
 * JVMs, the machine's fixed-port lock, a clock tests move by hand.
 */
package io.rxiothub.testing;
