/** Test helpers shared by all rxiothub modules: architecture rules and leak checks. */
package io.rxiothub.testing;
