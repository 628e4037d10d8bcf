// A fixture for JavadocRulesTest (not compiled): internal Javadoc may name internal types.
package io.example.internal;

/** See {@link io.example.internal.Engine}. */
public final class Engine {}
