/** Test helpers shared by all rxiothub modules: architecture rules, leak checks, parser fuzzing, secret scanning. */
package io.rxiothub.testing;
