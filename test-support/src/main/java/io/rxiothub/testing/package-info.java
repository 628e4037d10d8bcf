/**
 * Test helpers shared by all rxiothub modules: architecture rules, leak checks, parser fuzzing, secret scanning, child
 * JVMs, the machine's fixed-port lock.
 */
package io.rxiothub.testing;
